package dev.runpilot.sdk.internal.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SecretMaskerTest {
    @Test
    void masksEveryOccurrence() {
        SecretMasker masker = new SecretMasker(List.of("hunter2"));

        assertThat(masker.mask("pw=hunter2, again hunter2;hunter2"))
                .isEqualTo("pw=***, again ***;***");
    }

    @Test
    void masksEverySecret() {
        SecretMasker masker = new SecretMasker(List.of("alpha-key", "beta-key"));

        assertThat(masker.mask("a=alpha-key b=beta-key")).isEqualTo("a=*** b=***");
    }

    @Test
    void masksLongestValueFirstSoNoPartOfItLeaks() {
        SecretMasker masker = new SecretMasker(List.of("abc", "abcdef"));

        assertThat(masker.mask("token abcdef and abc")).isEqualTo("token *** and ***");
    }

    @Test
    void orderOfSecretsDoesNotMatter() {
        SecretMasker shortFirst = new SecretMasker(List.of("pass", "password123"));
        SecretMasker longFirst = new SecretMasker(List.of("password123", "pass"));

        assertThat(shortFirst.mask("password123 pass")).isEqualTo("*** ***");
        assertThat(longFirst.mask("password123 pass")).isEqualTo("*** ***");
    }

    @Test
    void ignoresEmptyValues() {
        SecretMasker masker = new SecretMasker(List.of("", "hunter2"));

        assertThat(masker.mask("plain text")).isEqualTo("plain text");
        assertThat(masker.mask("pw hunter2")).isEqualTo("pw ***");
    }

    @Test
    void leavesTextWithoutSecretsUnchanged() {
        SecretMasker masker = new SecretMasker(List.of("hunter2"));

        assertThat(masker.mask("hunter 2 is not it")).isEqualTo("hunter 2 is not it");
        assertThat(masker.mask("")).isEmpty();
    }

    @Test
    void masksNothingWithoutSecrets() {
        assertThat(new SecretMasker(List.of()).mask("hunter2")).isEqualTo("hunter2");
    }

    @Test
    void treatsSecretsAsLiteralText() {
        SecretMasker masker = new SecretMasker(List.of("a.c$1"));

        assertThat(masker.mask("abc a.c$1")).isEqualTo("abc ***");
    }

    @Test
    void secretsOverlappingInTheTextRevealNothingOfEither() {
        SecretMasker masker = new SecretMasker(List.of("abcd", "cdef"));
        assertThat(masker.mask("x abcdef y")).isEqualTo("x *** y");
    }
}
