package dev.usher.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The slow-client attack of issue 9 against target/usher.jar on default settings:
 * {@code -Dattack.connections} (1000) hostile connections, and {@code -Dattack.requests} (400)
 * normal requests on new connections, each of which must be answered within 3 s, for 99 % of them.
 * The latency figures are printed, not asserted.
 */
class SlowClientAttackIT {

    @Test
    void normalRequestsAreAnsweredDuringASlowClientAttack() throws Exception {
        SlowClientAttack.Options options = SlowClientAttack.Options.parse();
        try (UsherProcess usher = SlowClientAttack.startRuntime(options)) {
            AttackReport report = SlowClientAttack.attack(new Target("127.0.0.1", usher.port()), options, System.out);
            System.out.print(report);
            int planned = report.probe().planned();
            long needed = (long) Math.ceil(SlowClientAttack.GOAL * planned);
            assertTrue(report.probe().answered() >= needed, () -> "only " + report.probe().answered() + " of "
                    + planned + " normal requests answered within " + options.timeout() + " (" + needed
                    + " needed) during the attack:\n" + report + "the runtime's WARN and ERROR lines: "
                    + usher.console().problems());

            usher.signal("TERM");
            assertEquals(0, usher.awaitExit(Soak.GRACEFUL_TIMEOUT.plusSeconds(15)),
                    () -> "the runtime's exit status after SIGTERM:\n" + usher.console().tail());
        }
    }
}
