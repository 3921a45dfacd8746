"""OpenAPI: every operation documents the one error shape for the statuses it can answer, so a
client (and schemathesis) can rely on the schema for failures as much as for successes."""

from drf_spectacular import openapi
from rest_framework import serializers


class MissingCriterionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Criterion code, e.g. S5.3.")
    text = serializers.CharField(help_text="The criterion in the caller's language.")


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Stable code: invalid, not_found, forbidden, gate_not_met, stale_version, "
        "not_authenticated, throttled, …"
    )
    message = serializers.CharField(help_text="Translated (Accept-Language: zh-Hans, en).")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages per input field.",
    )
    missing = MissingCriterionSerializer(
        many=True, required=False, help_text="Criteria not met (gate_not_met)."
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


ALWAYS = ("400", "401", "403", "404", "429")
WRITES = ("409", "413")


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = ALWAYS + (WRITES if self.method != "GET" else ())
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ErrorSerializer, code, direction=direction
                )
        return responses
