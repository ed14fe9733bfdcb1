package dev.usher.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.servlet.context.ServletContextHelper;

import dev.usher.itests.ClientConnection.Response;

/**
 * Resources (Compendium 140.6): any service with {@code resource.pattern} and
 * {@code resource.prefix} serves the entries of its bundle through its context's
 * {@code getResource} (the default context: the registering bundle, here the test probe and
 * its {@code www/} folder), with the validators and conditional requests of RFC 9110, and
 * nothing outside the prefix.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WhiteboardResourcesIT extends WhiteboardTestSupport {

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withServletWhiteboard();
    }

    private void resources(String pattern, String prefix, Object... more) {
        var properties = props(more);
        properties.put(HTTP_WHITEBOARD_RESOURCE_PATTERN, pattern);
        properties.put(HTTP_WHITEBOARD_RESOURCE_PREFIX, prefix);
        register(Object.class, new Object(), properties);
    }

    /** The probe's own entry, as the resource should be served. */
    private byte[] entry(String name) throws IOException {
        URL url = context.getBundle().getEntry(name);
        assertNotNull("the probe bundle holds " + name, url);
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        }
    }

    @Test
    public void filesOfTheRegisteringBundleWithTheirValidators() throws Exception {
        resources("/files/*", "/www");
        byte[] hello = entry("www/hello.txt");
        Response response = get("/files/hello.txt");
        assertEquals(response.toString(), 200, response.status());
        assertArrayEquals(hello, response.body());
        assertTrue(response.header("Content-Type"), response.header("Content-Type").startsWith("text/plain"));
        assertEquals(Integer.toString(hello.length), response.header("Content-Length"));
        assertNotNull("Last-Modified", response.header("Last-Modified"));
        assertNotNull("ETag", response.header("ETag"));
        assertTrue(response.header("ETag"), response.header("ETag").startsWith("\""));

        Response page = get("/files/page.html");
        assertEquals(200, page.status());
        assertTrue(page.header("Content-Type"), page.header("Content-Type").startsWith("text/html"));
        assertArrayEquals(entry("www/page.html"), page.body());

        Response nested = get("/files/sub/data.json");
        assertEquals(200, nested.status());
        assertArrayEquals(entry("www/sub/data.json"), nested.body());

        Response head = request("HEAD", "/files/hello.txt", Map.of(), new byte[0]);
        assertEquals(200, head.status());
        assertEquals(Integer.toString(hello.length), head.header("Content-Length"));
        assertEquals(response.header("ETag"), head.header("ETag"));
        assertEquals(0, head.body().length);
    }

    @Test
    public void conditionalRequestsAnswerNotModified() throws Exception {
        resources("/files/*", "/www");
        Response full = get("/files/hello.txt");
        String etag = full.header("ETag");
        String lastModified = full.header("Last-Modified");
        assertNotNull(etag);
        assertNotNull(lastModified);

        Response byTag = request("GET", "/files/hello.txt", Map.of("If-None-Match", etag), new byte[0]);
        assertEquals(304, byTag.status());
        assertEquals(etag, byTag.header("ETag"));
        assertEquals(0, byTag.body().length);
        assertEquals("one of a list", 304,
                request("GET", "/files/hello.txt", Map.of("If-None-Match", "\"other\", " + etag), new byte[0]).status());
        assertEquals("another tag", 200,
                request("GET", "/files/hello.txt", Map.of("If-None-Match", "\"other\""), new byte[0]).status());

        Response byDate = request("GET", "/files/hello.txt", Map.of("If-Modified-Since", lastModified), new byte[0]);
        assertEquals(304, byDate.status());
        assertEquals("modified since an earlier date", 200, request("GET", "/files/hello.txt",
                Map.of("If-Modified-Since", "Thu, 01 Jan 1998 00:00:00 GMT"), new byte[0]).status());
        assertEquals("If-None-Match wins over If-Modified-Since", 200, request("GET", "/files/hello.txt",
                Map.of("If-None-Match", "\"other\"", "If-Modified-Since", lastModified), new byte[0]).status());

        assertEquals("If-Match with another tag", 412,
                request("GET", "/files/hello.txt", Map.of("If-Match", "\"other\""), new byte[0]).status());
        Response range = request("GET", "/files/hello.txt", Map.of("Range", "bytes=0-4"), new byte[0]);
        assertEquals(206, range.status());
        assertEquals("Hello", range.text());
    }

    @Test
    public void missingDirectoriesAndEscapesAreNotFound() throws Exception {
        resources("/files/*", "/www");
        assertNotNull("the entry outside the prefix exists", context.getBundle().getEntry("outside.txt"));
        assertEquals(404, get("/files/missing.txt").status());
        assertEquals("a directory is not listed", 404, get("/files/sub").status());
        assertEquals("a directory is not listed", 404, get("/files/sub/").status());
        assertEquals("the prefix itself", 404, get("/files").status());
        assertEquals(404, get("/files/").status());
        for (String escape : new String[] {"/files/../outside.txt", "/files/sub/../../outside.txt",
                "/files/%2e%2e/outside.txt", "/files/%2E%2E/outside.txt", "/files/..%2foutside.txt",
                "/files/sub%2f..%2f..%2foutside.txt", "/files/.%2e/outside.txt", "/files/..\\outside.txt",
                "/files/..%5coutside.txt"}) {
            Response response = get(escape);
            assertEquals(escape + ": " + response, 404, response.status());
            assertTrue(escape + " escaped the prefix", !response.text().contains("not under the prefix"));
        }
        assertEquals("the resource answers GET and HEAD only", 405,
                request("POST", "/files/hello.txt", Map.of(), new byte[0]).status());
    }

    @Test
    public void patternsOfEveryKindMapOntoThePrefix() throws Exception {
        resources("/greeting", "/www/hello.txt");
        resources("*.html", "/www");
        resources("/", "/www/sub");
        assertArrayEquals("exact: the prefix names the file", entry("www/hello.txt"), get("/greeting").body());
        assertArrayEquals("extension: prefix and servlet path", entry("www/page.html"), get("/page.html").body());
        assertArrayEquals("default: prefix and servlet path", entry("www/sub/data.json"), get("/data.json").body());
        assertEquals(404, get("/hello.txt").status());
    }

    @Test
    public void eachBundlesDefaultContextServesThatBundlesEntries() throws Exception {
        Bundle other = installBundleWith("www/own.txt", "the other bundle's own file\n");
        try {
            ServiceRegistration<?> theirs = other.getBundleContext().registerService(Object.class.getName(), new Object(),
                    props(HTTP_WHITEBOARD_RESOURCE_PATTERN, "/theirs/*", HTTP_WHITEBOARD_RESOURCE_PREFIX, "/www"));
            track(theirs);
            resources("/mine/*", "/www");
            Response own = get("/theirs/own.txt");
            assertEquals(200, own.status());
            assertEquals("the other bundle's own file\n", own.text());
            assertEquals("not the probe's entry", 404, get("/theirs/hello.txt").status());
            assertEquals("not the other bundle's entry", 404, get("/mine/own.txt").status());
            assertArrayEquals(entry("www/hello.txt"), get("/mine/hello.txt").body());
        } finally {
            other.uninstall();
        }
        assertEquals("gone with its bundle", 404, get("/theirs/own.txt").status());
    }

    /** Installs and starts a bundle holding one entry and nothing else. */
    private Bundle installBundleWith(String name, String content) throws IOException, BundleException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        manifest.getMainAttributes().putValue(Constants.BUNDLE_SYMBOLICNAME, "dev.usher.itests.www");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            jar.putNextEntry(new JarEntry(name));
            jar.write(content.getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        Bundle bundle = context.installBundle("usher-itest:www", new ByteArrayInputStream(bytes.toByteArray()));
        bundle.start();
        return bundle;
    }

    @Test
    public void resourcesComeThroughTheContextsGetResource() throws Exception {
        Bundle probe = context.getBundle();
        register(ServletContextHelper.class, new ServletContextHelper() {
            @Override
            public URL getResource(String name) {
                // every name is looked up in www/ of the probe, whatever the prefix says
                return name.startsWith("/static/") ? probe.getEntry("www/" + name.substring("/static/".length())) : null;
            }

            @Override
            public String getMimeType(String name) {
                return name.endsWith(".txt") ? "text/x-helper" : null;
            }
        }, props(HTTP_WHITEBOARD_CONTEXT_NAME, "helped", HTTP_WHITEBOARD_CONTEXT_PATH, "/helped"));
        resources("/r/*", "/static", HTTP_WHITEBOARD_CONTEXT_SELECT, "(" + HTTP_WHITEBOARD_CONTEXT_NAME + "=helped)");
        Response response = get("/helped/r/hello.txt");
        assertEquals(200, response.status());
        assertArrayEquals(entry("www/hello.txt"), response.body());
        assertEquals("the helper's MIME type", "text/x-helper", response.header("Content-Type"));
        assertEquals(404, get("/helped/r/nothing.txt").status());
        assertNull("not in the default context", get("/r/hello.txt").header("ETag"));
    }
}
