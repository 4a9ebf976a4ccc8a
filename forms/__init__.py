"""Form definitions (data, one per form key) and the Django forms made from them."""

from .builder import UserChoices, build_form_class, build_step_forms
from .fields import (
    normalise_phone,
    normalise_postcode,
    validate_bsn,
    validate_phone,
    validate_postcode,
)
from .registry import (
    FIELD_TYPES,
    PRIVACY_CLASSES,
    FieldDefinition,
    FormDefinition,
    FormDefinitionError,
    FormRegistry,
    StepDefinition,
    UnknownFormKey,
    default_registry,
    load_registry,
)
from .values import DisplayRow, display_rows, engine_data, stored_data

__all__ = [
    "FIELD_TYPES",
    "PRIVACY_CLASSES",
    "DisplayRow",
    "FieldDefinition",
    "FormDefinition",
    "FormDefinitionError",
    "FormRegistry",
    "StepDefinition",
    "UnknownFormKey",
    "UserChoices",
    "build_form_class",
    "build_step_forms",
    "default_registry",
    "display_rows",
    "engine_data",
    "load_registry",
    "normalise_phone",
    "normalise_postcode",
    "stored_data",
    "validate_bsn",
    "validate_phone",
    "validate_postcode",
]
