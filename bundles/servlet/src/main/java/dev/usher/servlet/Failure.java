package dev.usher.servlet;

/**
 * Why a whiteboard service is not in use, for the runtime's failure DTOs.
 *
 * @param service the service
 * @param reason one of {@code DTOConstants.FAILURE_REASON_*}
 * @param contextId the context it failed in; 0 when it failed before reaching one
 */
record Failure(WhiteboardService service, int reason, long contextId) {
}
