"""Unit tests of run.py's parts that need no SDK package (run by xtask/tests/introspect_py.rs)."""

import os
import sys
import types
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402

MODELS = {
    "ShowRuleResponse": {"fields": [
        {"python_name": "name", "wire_name": "name", "type_info": {"kind": "primitive", "name": "str"}},
        {"python_name": "body", "wire_name": "body", "type_info": {"kind": "primitive", "name": "str"}},
        {"python_name": "codes", "wire_name": "codes",
         "type_info": {"kind": "list", "items": {"kind": "model", "name": "Code"}}},
        {"python_name": "inner", "wire_name": "inner", "type_info": {"kind": "model", "name": "Inner"}},
    ]},
    "Inner": {"fields": [
        {"python_name": "body", "wire_name": "body", "type_info": {"kind": "model", "name": "Inner"}},
        {"python_name": "size", "wire_name": "size", "type_info": {"kind": "primitive", "name": "int"}},
    ]},
}
TOP = {"kind": "model", "name": "ShowRuleResponse"}


class UndoOfficialDecoderDefects(unittest.TestCase):
    def undo(self, expected, got):
        notes = set()
        return run.undo_official_decoder_defects(expected, got, TOP, MODELS, notes), notes

    def test_absent_body_filled_with_the_document_is_removed_and_noted(self):
        got, notes = self.undo({"name": "n"}, {"name": "n", "body": "{'name': 'n'}"})
        self.assertEqual(got, {"name": "n"})
        self.assertEqual(len(notes), 1)
        self.assertIn("`body`", next(iter(notes)))

    def test_nested_absent_body_is_removed(self):
        got, notes = self.undo({"inner": {"size": 1}}, {"inner": {"size": 1, "body": {"size": 1}}})
        self.assertEqual(got, {"inner": {"size": 1}})
        self.assertTrue(notes)

    def test_a_body_the_document_has_is_compared_as_it_is(self):
        got, notes = self.undo({"body": "x"}, {"body": "y"})
        self.assertEqual(got, {"body": "y"})
        self.assertEqual(notes, set())

    def test_bson_named_model_keeps_only_the_expected_members(self):
        expected = {"codes": [{"source": "OBS"}]}
        got, notes = self.undo(expected, {"codes": [{"source": "OBS", "unknown": {"deep": 1}}]})
        self.assertEqual(got, expected)
        self.assertIn("Code", next(iter(notes)))

    def test_bson_named_model_still_differs_on_a_wrong_value(self):
        got, _ = self.undo({"codes": [{"source": "OBS"}]}, {"codes": [{"source": "EFS", "x": 1}]})
        self.assertEqual(run.strict_diff({"codes": [{"source": "OBS"}]}, got)[0], "/codes/0/source")

    def test_other_differences_are_left_for_the_strict_comparison(self):
        got, notes = self.undo({"name": "n", "inner": {"size": 1}}, {"name": "m", "inner": {"size": 2}, "extra": 1})
        self.assertEqual(got, {"name": "m", "inner": {"size": 2}, "extra": 1})
        self.assertEqual(notes, set())


class OwnExceptionHandler(unittest.TestCase):
    SAMPLE = types.SimpleNamespace(response={"kind": "error", "status": 502, "request_id": "rid"})
    RUST = {"ok": False, "service_error": {"status": 502, "request_id": "rid", "error_code": "502",
                                           "error_msg": "<html>", "encoded_authorization_message": None}}

    def test_a_failing_official_handler_is_noted_not_hidden(self):
        py = {"ok": False, "error": "JSONDecodeError: Expecting value: line 1 column 1 (char 0)"}
        notes = set()
        self.assertEqual(run.response_diffs(self.SAMPLE, py, self.RUST, {}, notes, "CceExceptionHandler"), [])
        self.assertIn("CceExceptionHandler", next(iter(notes)))
        # Without a handler of its own the official SDK must raise a service error.
        self.assertTrue(run.response_diffs(self.SAMPLE, py, self.RUST, {}, set(), None))
        # Ours must still report the status and request id served.
        rust = {"ok": False, "service_error": {**self.RUST["service_error"], "status": 500}}
        self.assertTrue(run.response_diffs(self.SAMPLE, py, rust, {}, set(), "CceExceptionHandler"))

    def test_fields_the_handler_leaves_none_compare_with_empty_text(self):
        py_err = {"status": 502, "request_id": "rid", "error_code": None, "error_msg": None,
                  "encoded_authorization_message": None}
        rust = {"ok": False, "service_error": {**py_err, "error_code": "", "error_msg": ""}}
        py = {"ok": False, "error": "ServerResponseException", "service_error": py_err}
        self.assertEqual(run.response_diffs(self.SAMPLE, py, rust, {}, set(), "CceExceptionHandler"), [])
        self.assertTrue(run.response_diffs(self.SAMPLE, py, rust, {}, set(), None))


if __name__ == "__main__":
    unittest.main()
