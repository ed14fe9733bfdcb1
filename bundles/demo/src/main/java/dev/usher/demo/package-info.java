/**
 * Demo applications: {@code hello} at {@code /} (on the I/O loop), the same answer from a blocking
 * application at {@code /blocking}, {@code echo} at {@code /echo}, {@code upload} at {@code /upload}, a long
 * poll at {@code /poll} and server-sent events at {@code /events}, used by the runtime, the tests
 * and the benchmarks. Nothing here is exported.
 */
package dev.usher.demo;
