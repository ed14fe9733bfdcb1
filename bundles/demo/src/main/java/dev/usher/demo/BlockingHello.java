package dev.usher.demo;

import org.osgi.service.component.annotations.Component;

import dev.usher.api.HttpApplication;
import dev.usher.api.HttpRequest;
import dev.usher.api.HttpResponse;
import dev.usher.api.Mount;

/**
 * {@link Hello}'s answer from an application that is not {@code @Nonblocking}, so it runs on the
 * server's {@code threads}, as most real applications do: what the hand-off from an I/O loop to
 * an application thread costs is the difference between the two.
 */
@Component
@Mount("/blocking")
public final class BlockingHello implements HttpApplication {

    @Override
    public void handle(HttpRequest request, HttpResponse response) throws Exception {
        Hello.answer(response);
    }
}
