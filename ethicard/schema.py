"""The JSON Schema of a card's YAML, for editors that autocomplete and check as you type.

The schema is generated from the same pydantic models ``ethicard check`` validates with, and then
made to read YAML the way ethicard does: ethicard keeps every plain scalar as text (``no``,
``1.10`` and ``2024-05-01`` stay text) and converts text to numbers where a number is expected,
while an editor's YAML 1.2 reader turns ``1.10`` into a number.  So text fields also accept
numbers, number fields also accept numbers written in quotes, a single text stands for a list of
one, and the checklist may be written ``misyn@1.0.0``.  Each answer's title is its question and its
description the item's guidance.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from . import records
from .cards import card_model
from .checklist import Checklist

DRAFT = "https://json-schema.org/draft/2020-12/schema"
_FLOAT_TEXT = r"^\s*[-+]?(\d[\d_]*(\.[\d_]*)?|\.\d[\d_]*)([eE][-+]?\d+)?\s*$"
_INT_TEXT = r"^\s*[-+]?\d[\d_]*\s*$"
NUMBER_TEXT_PATTERNS = (_FLOAT_TEXT, _INT_TEXT)  # a number written as text: the form reads these as numbers
_URL = r'^(https?://[^\s<>"]+|mailto:[^\s<>"]+)$'  # records._URL, in ECMA-262 regex syntax
_CHECKLIST_TEXT = r"^[a-z][a-z0-9_]*@\d+\.\d+\.\d+$"


class _AsEthicardReadsYaml(GenerateJsonSchema):
    """pydantic's schema generator, adjusted to ethicard's reading of YAML scalars."""

    def str_schema(self, schema: core_schema.StringSchema) -> JsonSchemaValue:
        result = super().str_schema(schema)
        if "pattern" not in result:  # free text: a plain 1.10 or 2024 is text to ethicard
            result["type"] = ["string", "number"]
        return result

    def float_schema(self, schema: core_schema.FloatSchema) -> JsonSchemaValue:
        return {"anyOf": [super().float_schema(schema), {"type": "string", "pattern": _FLOAT_TEXT}]}

    def int_schema(self, schema: core_schema.IntSchema) -> JsonSchemaValue:
        return {"anyOf": [super().int_schema(schema), {"type": "string", "pattern": _INT_TEXT}]}

    def function_before_schema(self, schema: core_schema.BeforeValidatorFunctionSchema) -> JsonSchemaValue:
        function = schema["function"]["function"]
        if function is records.url:
            return {"type": "string", "pattern": _URL}
        inner = self.generate_inner(schema["schema"])
        if function is records.one_or_many:  # 'evidence: Section 3' stands for a list of one
            return {"anyOf": [inner["items"], inner]}
        return inner


def card_schema(checklist: Checklist) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a card answering ``checklist``."""
    generated = card_model(checklist).model_json_schema(schema_generator=_AsEthicardReadsYaml)
    checklist_ref = generated["properties"]["checklist"]
    generated["properties"]["checklist"] = {
        "anyOf": [checklist_ref, {"type": "string", "pattern": _CHECKLIST_TEXT}],
        "description": "the checklist this card answers: {id: misyn, version: 1.0.0} or misyn@1.0.0",
    }
    generated.pop("title", None)
    generated.pop("description", None)
    return {
        "$schema": DRAFT,
        "$id": f"urn:ethicard:card-schema:{checklist.id}:{checklist.version}",
        "title": f"MISyn disclosure card answering {checklist.id} {checklist.version}",
        "description": f"{checklist.title}. Check a card with 'ethicard check CARD.yaml'.",
        **generated,
    }


def schema_text(checklist: Checklist) -> str:
    """The schema as JSON text, indented, keys in a fixed order, ending with a newline."""
    return json.dumps(card_schema(checklist), indent=2, ensure_ascii=False) + "\n"
