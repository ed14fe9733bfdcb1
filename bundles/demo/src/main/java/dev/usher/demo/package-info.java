/**
 * Demo applications: {@code hello} at {@code /} (on the I/O loop), the same answer from a blocking
 * application at {@code /blocking}, {@code echo} at {@code /echo} and {@code upload} at {@code /upload}, used by the
 * runtime, the tests and the benchmarks. Nothing here is exported.
 */
package dev.usher.demo;
