"""Interaction routes of the stand-in: the callback that answers an interaction, and the
webhook routes of its original response and followups, with Discord's rules (one response,
within 3 s; followups for 15 minutes; a deferred response filled by the first edit or followup)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .interactions import (
    ALLOWED_CALLBACKS,
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE_MESSAGE,
    MODAL,
    UPDATE_MESSAGE,
    InteractionState,
)
from .rest_types import ApiError, Call, unknown

if TYPE_CHECKING:
    from .rest_types import Routes
    from .world import Message

WEBHOOK = "/webhooks/{webhook_id}/{webhook_token}"


class InteractionRoutes:
    """The routes that answer interactions; `Rest` makes one and it adds its routes."""

    def __init__(self, rest: Routes) -> None:
        self.rest = rest
        self.server = rest.server
        rest.route("POST", "/interactions/{interaction_id}/{interaction_token}/callback", self.callback)
        for message in (f"{WEBHOOK}/messages/@original", f"{WEBHOOK}/messages/{{message_id}}"):
            rest.route("GET", message, self.get_webhook_message)
            rest.route("PATCH", message, self.edit_webhook_message)
            rest.route("DELETE", message, self.delete_webhook_message)
        rest.route("POST", WEBHOOK, self.followup)

    def _interaction(
        self, call: Call, *, id_key: str, token_key: str, window: float
    ) -> InteractionState:
        token = call.params[token_key]
        state: InteractionState | None = self.server.interactions_by_token.get(token)
        if id_key == "webhook_id":
            if int(call.params["webhook_id"]) != self.server.world.application_id:
                raise unknown("Webhook", 10015)
        elif state is not None and str(state.id) != call.params[id_key]:
            state = None
        if state is None:
            raise unknown(
                "interaction" if id_key == "interaction_id" else "Webhook",
                10062 if id_key == "interaction_id" else 10015,
            )
        if state.age > window:
            self._refused(
                state,
                call,
                ApiError(
                    404,
                    10062 if id_key == "interaction_id" else 50027,
                    "Unknown interaction"
                    if id_key == "interaction_id"
                    else "Invalid Webhook Token",
                ),
            )
        return state

    def _refused(
        self, state: InteractionState, call: Call, error: ApiError, kind: str | None = None
    ) -> None:
        state.errors.append((error.status, error.body()))
        if kind:
            self.server.violation(kind, call.method, call.path, error.message)
        state.notify()
        raise error

    async def callback(self, call: Call) -> Any:
        server = self.server
        state = self._interaction(
            call, id_key="interaction_id", token_key="interaction_token", window=float("inf")
        )
        if state.age > server.interaction_deadline:
            self._refused(state, call, ApiError(404, 10062, "Unknown interaction"), "late_response")
        if state.response_type is not None:
            self._refused(
                state,
                call,
                ApiError(400, 40060, "Interaction has already been acknowledged."),
                "double_response",
            )
        kind = call.body.get("type")
        data = call.body.get("data") or {}
        if kind not in ALLOWED_CALLBACKS[state.type]:
            self._refused(
                state,
                call,
                ApiError(
                    400,
                    50035,
                    f"Invalid Form Body: callback type {kind} not allowed "
                    f"for interaction type {state.type}",
                ),
                "invalid_callback",
            )
        resource: dict[str, Any] | None = None
        try:
            if kind == CHANNEL_MESSAGE:
                self.rest.check_content(call, data, creating=True)
                msg = server.create_message(state.channel, data, interaction=state)
                state.original = msg
                resource = {"type": kind, "message": msg.payload()}
            elif kind == DEFERRED_CHANNEL_MESSAGE:
                flags = (data.get("flags") or 0) & 64
                msg = server.create_message(
                    state.channel, {"flags": flags | 128}, interaction=state, record=False
                )
                state.original = msg
                resource = {"type": kind, "message": msg.payload()}
            elif kind == DEFERRED_UPDATE_MESSAGE:
                state.original = state.source
            elif kind == UPDATE_MESSAGE:
                self.rest.check_content(call, data, creating=False)
                assert state.source is not None
                state.original = state.source
                server.update_message(state.source, data)
                resource = {"type": kind, "message": state.source.payload()}
            elif kind == AUTOCOMPLETE_RESULT:
                choices = data.get("choices") or []
                if len(choices) > 25:
                    raise ApiError(
                        400,
                        50035,
                        "Invalid Form Body",
                        {
                            "data": {
                                "choices": {
                                    "_errors": [
                                        {
                                            "code": "BASE_TYPE_MAX_LENGTH",
                                            "message": "Must be 25 or fewer in length.",
                                        }
                                    ]
                                }
                            }
                        },
                    )
                state.autocomplete_choices = choices
            elif kind == MODAL:
                state.modal = data
        except ApiError as exc:
            if exc.code == 50035:
                server.violation(
                    "invalid_callback", call.method, call.path, exc.errors or exc.message
                )
            self._refused(state, call, exc)
        state.response_type = kind
        state.notify()
        shown = (
            state.original
            if kind in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, UPDATE_MESSAGE)
            else None
        )
        info: dict[str, Any] = {
            "id": str(state.id),
            "type": state.type,
            "response_message_loading": kind == DEFERRED_CHANNEL_MESSAGE,
            "response_message_ephemeral": bool(shown and shown.ephemeral),
        }
        if shown is not None:
            info["response_message_id"] = str(shown.id)
        out: dict[str, Any] = {"interaction": info}
        if resource is not None:
            out["resource"] = resource
        return out

    def _webhook_target(self, call: Call, state: InteractionState) -> Message:
        if "message_id" not in call.params:
            if state.original is None:
                self._refused(state, call, unknown("Message", 10008))
            assert state.original is not None
            return state.original
        mid = int(call.params["message_id"])
        for msg in [state.original, *state.followups]:
            if msg is not None and msg.id == mid and not msg.deleted:
                return msg
        self._refused(state, call, unknown("Message", 10008))
        raise AssertionError("unreachable")

    def _webhook_state(self, call: Call) -> InteractionState:
        return self._interaction(
            call, id_key="webhook_id", token_key="webhook_token", window=self.server.followup_window
        )

    async def get_webhook_message(self, call: Call) -> Any:
        state = self._webhook_state(call)
        return self._webhook_target(call, state).payload()

    async def edit_webhook_message(self, call: Call) -> Any:
        state = self._webhook_state(call)
        msg = self._webhook_target(call, state)
        body = call.body or {}
        try:
            self.rest.check_content(call, body, creating=False)
        except ApiError as exc:
            self._refused(state, call, exc)
        first_fill = bool(msg.flags & 128)  # a deferred response gets its content now
        self.server.update_message(msg, body, first_fill=first_fill)
        if msg is state.original:
            state.original_edited = True
        state.notify()
        return msg.payload()

    async def delete_webhook_message(self, call: Call) -> Any:
        state = self._webhook_state(call)
        msg = self._webhook_target(call, state)
        msg.deleted = True
        state.notify()
        return None

    async def followup(self, call: Call) -> Any:
        state = self._webhook_state(call)
        if state.response_type is None:
            self._refused(state, call, unknown("Webhook", 10015), "followup_before_response")
        body = call.body or {}
        try:
            self.rest.check_content(call, body, creating=True)
        except ApiError as exc:
            self._refused(state, call, exc)
        original = state.original
        if original is not None and original.flags & 128:
            # The first followup after a deferred "thinking" response fills that message.
            self.server.update_message(original, body, first_fill=True)
            state.original_edited = True
            state.notify()
            return original.payload() if call.query.get("wait") in ("1", "true", "True") else None
        msg = self.server.create_message(state.channel, body, interaction=state)
        state.followups.append(msg)
        state.notify()
        return msg.payload() if call.query.get("wait") in ("1", "true", "True") else None
