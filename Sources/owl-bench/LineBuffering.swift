// Swift 6 cannot check C's global `stdout`: imported this way it may be named. This file
// touches it from main only, before any other thread of owl-bench starts.
@preconcurrency import Glibc

/// A run at --scale 10 takes many minutes: its lines reach a log file as they are printed.
func lineBufferStandardOutput() {
    setvbuf(stdout, nil, _IOLBF, 0)
}

/// Sends what is buffered for standard output before the process is replaced.
func flushStandardOutput() {
    fflush(stdout)
}
