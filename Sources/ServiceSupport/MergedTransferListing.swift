/// Several file services' transfers as one list for the API: TFTP's and the HTTP file service's (issue 16),
/// so the dashboard's transfer table shows a phone's HTTP fetches beside its TFTP ones.
public struct MergedTransferListing: TransferListing {
    let listings: [any TransferListing]

    public init(_ listings: [any TransferListing]) { self.listings = listings }

    public func snapshot() -> (active: [TransferRecord], recent: [TransferRecord]) {
        let all = listings.map { $0.snapshot() }
        // Each service numbers its own (HTTP from 2^32), so ids stay unique; recent ones in finishing order.
        let active = all.flatMap { $0.active }.sorted { $0.started < $1.started }
        let recent = all.flatMap { $0.recent }.sorted { ($0.finished ?? $0.started) < ($1.finished ?? $1.started) }
        return (active, recent)
    }
}
