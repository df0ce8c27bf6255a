"""Unit tests of run.py's parts that need no SDK package (run by xtask/tests/introspect_py.rs)."""

import os
import sys
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


if __name__ == "__main__":
    unittest.main()
