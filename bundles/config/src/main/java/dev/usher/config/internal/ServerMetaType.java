package dev.usher.config.internal;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeProvider;
import org.osgi.service.metatype.ObjectClassDefinition;

import dev.usher.config.InvalidSettingException;
import dev.usher.config.ServerSettings;
import dev.usher.config.Setting;
import dev.usher.config.Settings;

/**
 * The metatype of an Usher server's configuration, made from the settings table, so that Felix
 * Web Console and Karaf show a form and document every property: one attribute per
 * {@link Settings#ALL} entry, with its label, description, form, default and options, and a
 * validation that is the entry's own converter.
 *
 * <p>An optional setting declares no default: a form fills in every declared default and saves
 * it, and a saved {@code host} or {@code port} would exclude {@code listen}. Left empty, it is
 * absent.
 */
final class ServerMetaType implements MetaTypeProvider {

    private final ObjectClassDefinition definition = new Definition();

    /**
     * Registers the metatype for PID {@value ServerSettings#PID} and its factory configurations.
     * Only call where the metatype API is wired ({@link MetaTypeApi}): loading this class needs it.
     */
    static ServiceRegistration<?> register(BundleContext context) {
        return context.registerService(MetaTypeProvider.class, new ServerMetaType(), new Hashtable<>(Map.of(
                MetaTypeProvider.METATYPE_PID, ServerSettings.PID,
                MetaTypeProvider.METATYPE_FACTORY_PID, ServerSettings.PID)));
    }

    @Override
    public ObjectClassDefinition getObjectClassDefinition(String id, String locale) {
        return ServerSettings.PID.equals(id) ? definition : null;
    }

    @Override
    public String[] getLocales() {
        return null;
    }

    /** The server's object class: every setting. */
    private static final class Definition implements ObjectClassDefinition {

        @Override
        public String getName() {
            return "Usher server";
        }

        @Override
        public String getID() {
            return ServerSettings.PID;
        }

        @Override
        public String getDescription() {
            return "An Usher HTTP/1.1 server. PID " + ServerSettings.PID + " is the default server; factory "
                    + "configurations " + ServerSettings.PID + "~NAME add named servers.";
        }

        @Override
        public AttributeDefinition[] getAttributeDefinitions(int filter) {
            List<AttributeDefinition> attributes = new ArrayList<>();
            for (Setting<?> setting : Settings.ALL) {
                boolean wanted = switch (filter) {
                    case ObjectClassDefinition.REQUIRED -> !setting.optional();
                    case ObjectClassDefinition.OPTIONAL -> setting.optional();
                    default -> true;
                };
                if (wanted) {
                    attributes.add(new Attribute(setting));
                }
            }
            return attributes.toArray(new AttributeDefinition[0]);
        }

        @Override
        public InputStream getIcon(int size) {
            return null;
        }
    }

    /** One setting as a form field. */
    private record Attribute(Setting<?> setting) implements AttributeDefinition {

        @Override
        public String getName() {
            return setting.label();
        }

        @Override
        public String getID() {
            return setting.name();
        }

        @Override
        public String getDescription() {
            return setting.description();
        }

        @Override
        public int getCardinality() {
            if (setting.form() != Setting.Form.STRINGS) {
                return 0;
            }
            return setting.options().isEmpty() ? Integer.MAX_VALUE : setting.options().size();
        }

        @Override
        public int getType() {
            return switch (setting.form()) {
                case BOOLEAN -> AttributeDefinition.BOOLEAN;
                case INTEGER -> AttributeDefinition.INTEGER;
                case LONG -> AttributeDefinition.LONG;
                case STRING, STRINGS -> AttributeDefinition.STRING;
            };
        }

        @Override
        public String[] getOptionValues() {
            return setting.options().isEmpty() ? null : setting.options().toArray(new String[0]);
        }

        @Override
        public String[] getOptionLabels() {
            return getOptionValues();
        }

        /** The converter's verdict: empty when the value is good, else why not. */
        @Override
        public String validate(String value) {
            if (value == null || (setting.optional() && value.isBlank())) {
                return "";
            }
            try {
                setting.convert(value);
                return "";
            } catch (InvalidSettingException e) {
                return e.getMessage();
            }
        }

        @Override
        public String[] getDefaultValue() {
            if (setting.optional()) {
                return null;
            }
            return setting.form() == Setting.Form.STRINGS ? setting.defaultText().split("\\s+")
                    : new String[] {setting.defaultText()};
        }
    }
}
