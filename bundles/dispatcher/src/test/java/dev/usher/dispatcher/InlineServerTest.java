package dev.usher.dispatcher;

/** Every {@link ServerTest} again, with the applications declared non-blocking: run on the I/O loops. */
class InlineServerTest extends ServerTest {

    @Override
    boolean inline() {
        return true;
    }
}
