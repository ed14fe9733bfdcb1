/**
 * Demo applications: {@code hello} at {@code /} and {@code echo} at {@code /echo}, used by the
 * runtime, the tests and the benchmarks. Nothing here is exported.
 */
package dev.usher.demo;
