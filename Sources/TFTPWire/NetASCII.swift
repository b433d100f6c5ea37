/// RFC 1350 netascii (RFC 764 NVT): on the wire, end of line is CR LF and a bare CR is CR NUL. Converted on
/// the way out of and into the server; `octet` transfers are never touched.
public enum NetASCII {
    /// Local text (LF line ends) to wire form.
    public static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 16)
        for byte in bytes {
            switch byte {
            case 0x0A: out += [0x0D, 0x0A]
            case 0x0D: out += [0x0D, 0x00]
            default: out.append(byte)
            }
        }
        return out
    }

    /// Wire form to local text. `pendingCR` carries a CR that ended the previous block.
    public static func decode(_ bytes: [UInt8], pendingCR: inout Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for byte in bytes {
            if pendingCR {
                pendingCR = false
                switch byte {
                case 0x0A: out.append(0x0A)
                case 0x00: out.append(0x0D)
                default: out += [0x0D, byte]
                }
                continue
            }
            if byte == 0x0D { pendingCR = true } else { out.append(byte) }
        }
        return out
    }
}
