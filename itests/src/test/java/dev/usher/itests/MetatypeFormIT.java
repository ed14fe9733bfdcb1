package dev.usher.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.HashMap;
import java.util.Hashtable;
import java.util.Set;
import java.util.TreeSet;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

import dev.usher.config.Adjustments;

/**
 * The metatype describes every setting, and a form built from it the way Felix Web Console
 * builds and saves one (every field filled with its declared default, the others left empty)
 * is a good configuration: saved untouched it is the defaults, and filling in an address, in
 * either of the two ways waitress allows, moves the server there.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MetatypeFormIT extends UsherTestSupport {

    @Inject
    private MetaTypeService metaType;

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withMetatype();
    }

    @Test
    public void theMetatypeDescribesEverySettingWithItsDefault() throws Exception {
        AttributeDefinition[] fields = serverDefinition().getAttributeDefinitions(ObjectClassDefinition.ALL);
        Set<String> described = new TreeSet<>();
        for (AttributeDefinition field : fields) {
            described.add(field.getID());
            boolean declaresDefault = field.getDefaultValue() != null && field.getDefaultValue().length > 0;
            assertTrue(field.getID() + " declares a default or is optional",
                    declaresDefault != Adjustments.OPTIONAL.contains(field.getID()));
            assertTrue(field.getID() + " has a description", field.getDescription().length() > 10);
        }
        assertEquals(new TreeSet<>(Adjustments.PROPERTIES), described);
        assertEquals("a form saved untouched", Adjustments.defaults(), Adjustments.parse(new HashMap<>(form(fields))));
    }

    @Test
    public void aSavedFormConfiguresAServerAndMovesIt() throws Exception {
        int[] ports = freePorts(2);
        registerApplication(answering("from the form"), "/", null);
        AttributeDefinition[] fields = serverDefinition().getAttributeDefinitions(ObjectClassDefinition.ALL);

        Hashtable<String, Object> hostAndPort = form(fields);
        hostAndPort.put("host", "127.0.0.1");
        hostAndPort.put("port", ports[0]);
        hostAndPort.put("ident", "form");
        configureNamedServer("form", hostAndPort);
        ClientConnection.Response first = awaitAnswer(ports[0], "/");
        assertEquals("from the form server=form", first.text());
        assertEquals("form", first.header("server"));

        Hashtable<String, Object> listen = form(fields);
        listen.put("listen", "127.0.0.1:" + ports[1]);
        configureNamedServer("form", listen);
        assertEquals("from the form server=form", awaitAnswer(ports[1], "/").text());
        awaitRefused(ports[0]);
    }

    private ObjectClassDefinition serverDefinition() {
        Bundle config = null;
        for (Bundle bundle : context.getBundles()) {
            if ("dev.usher.config".equals(bundle.getSymbolicName())) {
                config = bundle;
            }
        }
        MetaTypeInformation information = metaType.getMetaTypeInformation(config);
        assertTrue(Set.of(information.getPids()).contains(SERVER_PID));
        assertTrue(Set.of(information.getFactoryPids()).contains(SERVER_PID));
        return information.getObjectClassDefinition(SERVER_PID, null);
    }

    /**
     * The properties a form saves when nothing is typed in: each field's declared default, typed;
     * an empty string where a single-valued field declares none (kept as text when it cannot be
     * converted, as Felix Web Console does), an empty array for a multi-valued field.
     */
    private static Hashtable<String, Object> form(AttributeDefinition[] fields) {
        Hashtable<String, Object> form = new Hashtable<>();
        for (AttributeDefinition field : fields) {
            String[] defaults = field.getDefaultValue() == null ? new String[0] : field.getDefaultValue();
            if (field.getCardinality() != 0) {
                assertEquals(field.getID() + " is a list of strings", AttributeDefinition.STRING, field.getType());
                form.put(field.getID(), defaults);
            } else if (defaults.length == 0) {
                form.put(field.getID(), "");
            } else {
                form.put(field.getID(), typed(field, defaults[0]));
            }
        }
        return form;
    }

    private static Object typed(AttributeDefinition field, String text) {
        return switch (field.getType()) {
            case AttributeDefinition.INTEGER -> Integer.valueOf(text);
            case AttributeDefinition.LONG -> Long.valueOf(text);
            case AttributeDefinition.BOOLEAN -> Boolean.valueOf(text);
            case AttributeDefinition.STRING -> text;
            default -> throw new AssertionError(field.getID() + " has an unexpected type " + field.getType());
        };
    }
}
