package dev.usher.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The soak against target/usher.jar of the runtime module, for {@code -Dsoak.duration} (PT3M
 * unless given; {@code -Dsoak.sample}, PT20S). It passes when the normal clients saw no error, the
 * server's resources stayed flat, every settings change applied, and SIGTERM stopped it with
 * status 0 (see {@link SoakResult#problems()}).
 */
class SoakIT {

    @Test
    void theServerStaysFlatUnderNormalAndAbusiveTrafficWithLiveSettingsChanges() throws Exception {
        SoakResult result = Soak.run(Soak.Options.parse(), System.out);
        System.out.print(result.report());
        assertEquals(List.of(), result.problems(), result::report);
    }
}
