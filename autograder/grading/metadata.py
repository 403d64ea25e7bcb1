"""nbgrader's cell-metadata check, with its JSON schema compiled once per process.

nbgrader validates each cell's metadata with ``jsonschema.validate``, which checks the schema
itself and builds a validator again for every cell: about 50 ms per notebook graded (the
check runs twice, before and after grading). The checks and their errors are nbgrader's
own; only the schema's compiled validator is kept.
"""

from __future__ import annotations

import traceback

import jsonschema
from jsonschema.exceptions import best_match
from nbformat.notebooknode import NotebookNode
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.nbgraderformat.common import (
    BaseMetadataValidator,
    SchemaTooNewError,
    SchemaTooOldError,
)
from nbgrader.preprocessors import checkcellmetadata

_COMPILED: dict[int, jsonschema.protocols.Validator] = {}  # by schema version


def _compiled(version: int, schema: dict) -> jsonschema.protocols.Validator:
    if version not in _COMPILED:
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        _COMPILED[version] = cls(schema)
    return _COMPILED[version]


class _CompiledSchema(BaseMetadataValidator):
    """What nbgrader's base ``validate_cell`` does, with a compiled validator."""

    def validate_cell(self, cell: NotebookNode) -> None:
        if "nbgrader" not in cell.metadata:
            return
        version = cell.metadata["nbgrader"].get("schema_version", 0)
        if version < self.schema_version:
            raise SchemaTooOldError(
                f"Outdated schema version: {version} (expected {self.schema_version})",
                version,
                self.schema_version,
            )
        if version > self.schema_version:
            raise SchemaTooNewError(
                f"Schema version is too new: {version} (expected {self.schema_version})",
                version,
                self.schema_version,
            )
        validator = _compiled(self.schema_version, self.schema)
        # the error jsonschema.validate would raise
        error = best_match(validator.iter_errors(cell.metadata["nbgrader"]))
        if error is not None:
            raise error


class CompiledMetadataValidator(MetadataValidator, _CompiledSchema):
    """nbgrader's current validator; its ``super().validate_cell`` reaches ``_CompiledSchema``
    (next in the method order) before nbgrader's base."""


class CheckCellMetadata(checkcellmetadata.CheckCellMetadata):
    """nbgrader's CheckCellMetadata (same checks, same errors), one compiled schema."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        try:
            CompiledMetadataValidator().validate_nb(nb)
        except ValidationError as error:
            self.log.error(traceback.format_exc())
            msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(msg)
            raise ValidationError(msg) from error
        return nb, resources
