package dev.usher.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants.*;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.servlet.context.ServletContextHelper;

import dev.usher.itests.ClientConnection.Response;

/**
 * Sessions (Compendium 140.2.7, Servlet 6.0 chapter 7): each context keeps its own sessions
 * under the one browser cookie, {@code getSession(false)} finds none without a cookie,
 * {@code isNew}, invalidation, the cookie's attributes, and a session id the client invents is
 * never adopted.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WhiteboardSessionsIT extends WhiteboardTestSupport {

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withServletWhiteboard();
    }

    /**
     * A servlet reporting its session: {@code ?create} makes one, {@code ?put=v} stores v,
     * {@code ?change} gives it a new id, {@code ?invalidate} ends it; the answer is {@code id new=.. value=.. requested=.. valid=..},
     * or {@code none}.
     */
    private static HttpServlet sessionReport() {
        return new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain");
                HttpSession session = req.getSession(req.getParameter("create") != null || req.getParameter("put") != null);
                if (session == null) {
                    resp.getWriter().print("none requested=" + req.getRequestedSessionId() + " valid="
                            + req.isRequestedSessionIdValid());
                    return;
                }
                if (req.getParameter("put") != null) {
                    session.setAttribute("value", req.getParameter("put"));
                }
                if (req.getParameter("change") != null) {
                    req.changeSessionId();
                }
                String report = session.getId() + " new=" + session.isNew() + " value=" + session.getAttribute("value")
                        + " requested=" + req.getRequestedSessionId() + " valid=" + req.isRequestedSessionIdValid();
                if (req.getParameter("invalidate") != null) {
                    session.invalidate();
                    report += " after=" + (req.getSession(false) == null ? "none" : "still");
                }
                resp.getWriter().print(report);
            }
        };
    }

    private static String sessionId(Response response) {
        String text = response.text();
        return text.substring(0, text.indexOf(' '));
    }

    private Response withCookie(String target, String id) throws IOException {
        return request("GET", target, Map.of("Cookie", "JSESSIONID=" + id), new byte[0]);
    }

    @Test
    public void withoutACookieThereIsNoSessionUntilOneIsMade() throws Exception {
        servlet(sessionReport(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/session");
        Response none = get("/session");
        assertEquals("none requested=null valid=false", none.text());
        assertNull("no session, no cookie", none.header("Set-Cookie"));

        Response created = get("/session?create");
        String id = sessionId(created);
        assertEquals(id + " new=true value=null requested=null valid=false", created.text());

        Response again = withCookie("/session", id);
        assertEquals("known to the client now", id + " new=false value=null requested=" + id + " valid=true",
                again.text());
        assertNull("the cookie is sent once", again.header("Set-Cookie"));
    }

    @Test
    public void theSessionCookieIsHttpOnlySameSiteLaxForTheWholeServer() throws Exception {
        servlet(sessionReport(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/session");
        Response created = get("/session?create");
        String id = sessionId(created);
        String setCookie = created.header("Set-Cookie");
        assertNotNull(setCookie);
        List<String> attributes = Arrays.stream(setCookie.split(";")).map(String::trim).toList();
        assertEquals("JSESSIONID=" + id, attributes.get(0));
        assertTrue(setCookie, attributes.contains("Path=/"));
        assertTrue(setCookie, attributes.contains("HttpOnly"));
        assertTrue(setCookie, attributes.contains("SameSite=Lax"));
        assertTrue("a session cookie, not a persistent one: " + setCookie,
                attributes.stream().noneMatch(a -> a.startsWith("Max-Age") || a.startsWith("Expires")));
        assertTrue("not Secure over plain HTTP: " + setCookie, !attributes.contains("Secure"));
        assertTrue("an unguessable id: " + id, id.length() >= 22);
    }

    @Test
    public void eachContextKeepsItsOwnSessionUnderTheOneCookie() throws Exception {
        String select = "(" + HTTP_WHITEBOARD_CONTEXT_NAME + "=shop)";
        register(ServletContextHelper.class, new ServletContextHelper() {
        }, props(HTTP_WHITEBOARD_CONTEXT_NAME, "shop", HTTP_WHITEBOARD_CONTEXT_PATH, "/shop"));
        servlet(sessionReport(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/session");
        servlet(sessionReport(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/session", HTTP_WHITEBOARD_CONTEXT_SELECT, select);

        String id = sessionId(get("/session?put=root"));
        Response shopBefore = withCookie("/shop/session", id);
        assertEquals("the root context's session is not the shop's",
                "none requested=" + id + " valid=false", shopBefore.text());

        Response shopCreated = withCookie("/shop/session?put=shop", id);
        assertEquals("the browser's one cookie names the shop's session too",
                id + " new=true value=shop requested=" + id + " valid=true", shopCreated.text());

        assertEquals(id + " new=false value=root requested=" + id + " valid=true", withCookie("/session", id).text());
        assertEquals(id + " new=false value=shop requested=" + id + " valid=true",
                withCookie("/shop/session", id).text());

        // invalidating one context's session leaves the other's
        assertEquals(id + " new=false value=shop requested=" + id + " valid=true after=none",
                withCookie("/shop/session?invalidate", id).text());
        assertEquals("none requested=" + id + " valid=false", withCookie("/shop/session", id).text());
        assertEquals(id + " new=false value=root requested=" + id + " valid=true", withCookie("/session", id).text());
    }

    @Test
    public void aNewSessionIdKeepsTheOtherContextsSessionsWithTheCookie() throws Exception {
        String select = "(" + HTTP_WHITEBOARD_CONTEXT_NAME + "=desk)";
        register(ServletContextHelper.class, new ServletContextHelper() {
        }, props(HTTP_WHITEBOARD_CONTEXT_NAME, "desk", HTTP_WHITEBOARD_CONTEXT_PATH, "/desk"));
        servlet(sessionReport(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/session");
        servlet(sessionReport(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/session", HTTP_WHITEBOARD_CONTEXT_SELECT, select);
        String id = sessionId(get("/session?put=root"));
        assertEquals(id, sessionId(withCookie("/desk/session?put=desk", id)));

        Response changed = withCookie("/session?change", id);
        String newId = sessionId(changed);
        assertNotEquals(id, newId);
        assertTrue(changed.header("Set-Cookie"), changed.header("Set-Cookie").startsWith("JSESSIONID=" + newId + ";"));
        assertEquals(newId + " new=false value=root requested=" + newId + " valid=true",
                withCookie("/session", newId).text());
        assertEquals("the browser's cookie still names the other context's session",
                newId + " new=false value=desk requested=" + newId + " valid=true",
                withCookie("/desk/session", newId).text());
        assertEquals("the old id names nothing any more", "none requested=" + id + " valid=false",
                withCookie("/desk/session", id).text());
    }

    @Test
    public void anInvalidatedSessionIsGoneAndItsIdIsNotReused() throws Exception {
        servlet(sessionReport(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/session");
        String id = sessionId(get("/session?put=x"));
        assertEquals(id + " new=false value=x requested=" + id + " valid=true after=none",
                withCookie("/session?invalidate", id).text());
        assertEquals("none requested=" + id + " valid=false", withCookie("/session", id).text());

        Response fresh = withCookie("/session?create", id);
        String newId = sessionId(fresh);
        assertNotEquals("a new session gets a new id", id, newId);
        assertEquals(newId + " new=true value=null requested=" + id + " valid=false", fresh.text());
        assertTrue(fresh.header("Set-Cookie"), fresh.header("Set-Cookie").startsWith("JSESSIONID=" + newId + ";"));
    }

    @Test
    public void aSessionIdTheClientInventsIsNotAdopted() throws Exception {
        servlet(sessionReport(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/session");
        String invented = "AttackerChosenSessionId0";
        Response looked = withCookie("/session", invented);
        assertEquals("none requested=" + invented + " valid=false", looked.text());

        Response created = withCookie("/session?put=mine", invented);
        String id = sessionId(created);
        assertNotEquals("session fixation: the invented id is replaced", invented, id);
        assertEquals(id + " new=true value=mine requested=" + invented + " valid=false", created.text());
        assertTrue(created.header("Set-Cookie"), created.header("Set-Cookie").startsWith("JSESSIONID=" + id + ";"));
        assertEquals("none requested=" + invented + " valid=false", withCookie("/session", invented).text());
        assertEquals(id + " new=false value=mine requested=" + id + " valid=true", withCookie("/session", id).text());
    }
}
