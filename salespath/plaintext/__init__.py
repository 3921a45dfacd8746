"""Text people type is plain text: no control characters.

A bell (U+0007) or an escape in a deal's name cannot be shown, breaks the xlsx exports and
serves no one. Every text input refuses them — tab, newline and carriage return are allowed
only in multi-line texts (a model's TextField: notes, reasons, requirements). The rule is
enforced where every way in passes:

- the model fields' validators (added at start-up, without a migration), so ModelForms, the
  admin and DRF model serializers name the field in their usual errors;
- a pre_save check on every Salespath model, so a service called from a page or the API with
  a plain form or serializer refuses the write with a DomainError naming the field;
- the import's `Row.text`, which reports the sheet, row and column (bulk writes send no
  signals).

Data stored before this rule is made safe on the way out by `salespath.lib.cells`.
"""
