package dev.usher.runtime.launch;

import java.lang.management.ManagementFactory;

import javax.management.JMException;
import javax.management.ObjectName;

import dev.usher.runtime.options.Help;
import dev.usher.runtime.options.Options;

/** Registers {@link UsherProcessMBean}. */
final class UsherProcess implements UsherProcessMBean {

    private final String name;
    private final Options options;

    private UsherProcess(String name, Options options) {
        this.name = name;
        this.options = options;
    }

    /** How long after Usher serves its MBean is registered. */
    static final long REGISTER_DELAY_MILLIS = 2000;

    /**
     * Registers the process's MBean {@value #REGISTER_DELAY_MILLIS} ms from now, on a daemon
     * thread of its own, out of the way of the first requests.
     */
    static void registerSoon(Options options) {
        Thread thread = new Thread(() -> {
            try {
                Thread.sleep(REGISTER_DELAY_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            register(options);
        }, "usher-mbean");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /** Registers the process's MBean; a failure is logged, not fatal. */
    private static void register(Options options) {
        String name = options.name() == null ? "usher" : options.name();
        try {
            ManagementFactory.getPlatformMBeanServer().registerMBean(new UsherProcess(name, options),
                    ObjectName.getInstance("dev.usher:type=Process,name=" + ObjectName.quote(name)));
        } catch (JMException | RuntimeException e) {
            ConsoleLine.warn("JMX: cannot register dev.usher:type=Process,name=" + name + ": " + e);
        }
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public long getPid() {
        return ProcessHandle.current().pid();
    }

    @Override
    public String getVersion() {
        return Help.version();
    }

    @Override
    public String getSettingsPath() {
        return options.settingsDirectory().toAbsolutePath().toString();
    }

    @Override
    public String getConfigFile() {
        return options.config() == null ? "" : options.config().toAbsolutePath().toString();
    }
}
