from rest_framework import serializers


class TextField(serializers.CharField):
    """Text only: DRF's CharField also takes a number as its string, which the schema (a string) does not admit."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class UUIDTextField(serializers.UUIDField):
    """A UUID written as text: DRF's UUIDField also reads a number (even `false`) as the UUID of that integer."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class TrueOrFalseField(serializers.BooleanField):
    """JSON's true or false: DRF's BooleanField also reads 0, 1 and "yes", which the schema (a boolean) does not
    admit."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data
