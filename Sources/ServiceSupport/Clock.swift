import Foundation

/// The one place the services read wall-clock time; cores get `now` passed in.
package enum Clock {
    package static func nowMilliseconds() -> Int64 {
        var tv = timeval()
        gettimeofday(&tv, nil)
        return Int64(tv.tv_sec) * 1000 + Int64(tv.tv_usec) / 1000
    }
}
