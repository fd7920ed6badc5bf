package dev.enclave.assistant.internal.openai;

import dev.enclave.ratelimit.TokenReservation;

/**
 * The tokens held for one completion until it is settled.
 *
 * @param reservation what the token budget holds
 * @param promptTokens the prompt as counted before admission (-1 when it could not be
 * counted, for a request the engine will refuse anyway); a completion cut short is charged
 * this plus what was generated
 */
record TokenCharge(TokenReservation reservation, int promptTokens) {
}
