"""The checklists as the tablets read them (see the shape in mobile_forms.models.questions)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from inspections.models import PhaseKind
from mobile_forms.models import ChecklistVersion, QuestionType


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    label_en = serializers.CharField(allow_blank=True)
    fails = serializers.BooleanField(help_text="Choosing it fails the item: the question's deduction is lost.")


class ConditionSerializer(serializers.Serializer):
    question = serializers.CharField(help_text="The name of an earlier yes/no or select question.")
    value = serializers.CharField(help_text='A choice value; "yes" / "no" for a yes/no question.')


class ConstraintSerializer(serializers.Serializer):
    min = serializers.FloatField(allow_null=True, help_text="Smallest number accepted (number questions).")
    max = serializers.FloatField(allow_null=True, help_text="Largest number accepted (number questions).")
    pattern = serializers.CharField(
        allow_null=True, help_text="A regular expression the text must contain a match of (text questions)."
    )
    message = serializers.CharField(allow_blank=True, help_text="Shown when the answer breaks the constraint.")
    message_en = serializers.CharField(allow_blank=True)


class QuestionSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=QuestionType.choices)
    label = serializers.CharField()
    label_en = serializers.CharField(allow_blank=True)
    hint = serializers.CharField(allow_blank=True)
    hint_en = serializers.CharField(allow_blank=True)
    required = serializers.BooleanField()
    relevant = ConditionSerializer(
        allow_null=True, help_text="Shown (and answered) only when that question has that value."
    )
    choices = ChoiceSerializer(many=True)
    deduction = serializers.FloatField(allow_null=True, help_text="Points lost when the item fails.")
    problem_type = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The problem type code of the finding a failed item opens (empty: the inspector chooses).",
    )
    severity = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The severity of that finding: minor, major or severe (empty: the problem type's default).",
    )
    # Older versions were stored without these keys.
    constraint = ConstraintSerializer(allow_null=True, default=None)
    required_message = serializers.CharField(allow_blank=True, default="")
    required_message_en = serializers.CharField(allow_blank=True, default="")


class SectionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    label_en = serializers.CharField(allow_blank=True)
    questions = serializers.ListField(
        child=serializers.CharField(), help_text="The names of the consecutive questions under this heading."
    )


class ChecklistVersionSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="checklist.code")
    category = serializers.CharField(source="checklist.category.code", help_text="Hotspot category code.")
    phase_kind = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="number")
    questions = QuestionSerializer(many=True)
    sections = SectionSerializer(many=True)

    class Meta:
        model = ChecklistVersion
        fields = [
            "id",
            "code",
            "category",
            "phase_kind",
            "version",
            "label",
            "title",
            "title_en",
            "questions",
            "sections",
        ]

    # An inline schema: a named enum would clash with the phases' own KindEnum (the same choices).
    @extend_schema_field(
        {
            "type": "string",
            "enum": [*PhaseKind.values, None],
            "nullable": True,
            "description": "The kind of campaign phase this checklist is for; null: every phase.",
        }
    )
    def get_phase_kind(self, version) -> str | None:
        return version.checklist.phase_kind or None
