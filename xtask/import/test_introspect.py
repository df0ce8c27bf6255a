"""Unit tests of introspect.py's SDK-independent parts (run by xtask/tests/introspect_py.rs:
`python3 -m unittest discover -s xtask/import -p 'test_*.py'`). No SDK package is needed."""

import os
import sys
import types
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import introspect  # noqa: E402


class TagResourceType:
    """An enum class as the SDK generates it: constants, no attributes."""

    WORKSPACE = "aidatalake-workspace"
    COMPUTE = "aidatalake-compute"
    openapi_types = {}
    attribute_map = {}


class Level:
    LOW = 1
    HIGH = 2
    openapi_types = {}


class Mixed:
    TEXT = "a"
    NUMBER = 1
    openapi_types = {}


class Empty:
    openapi_types = {}


class Body:
    DEFAULT = "x"
    openapi_types = {"name": "str"}


class EnumClasses(unittest.TestCase):
    def test_string_and_integer_enum_classes_are_scalars(self):
        self.assertEqual(introspect.enum_class_scalar(TagResourceType), "str")
        self.assertEqual(introspect.enum_class_scalar(Level), "int")

    def test_models_and_odd_classes_stay_models(self):
        for cls in (Mixed, Empty, Body):
            self.assertIsNone(introspect.enum_class_scalar(cls), cls.__name__)

    def test_parse_type_reads_an_enum_class_as_its_scalar(self):
        module = types.SimpleNamespace(TagResourceType=TagResourceType, Body=Body)
        self.assertEqual(introspect.parse_type("TagResourceType", module),
                         {"kind": "primitive", "name": "str"})
        self.assertEqual(introspect.parse_type("list[TagResourceType]", module),
                         {"kind": "list", "items": {"kind": "primitive", "name": "str"}})
        self.assertEqual(introspect.parse_type("Body", module), {"kind": "model", "name": "Body"})


class StructuredTypes(unittest.TestCase):
    def test_models_maps_and_objects_are_structured_also_in_lists(self):
        prim = {"kind": "primitive", "name": "str"}
        obj = {"kind": "primitive", "name": "object"}
        model = {"kind": "model", "name": "Version"}
        self.assertFalse(introspect.is_structured(prim))
        self.assertFalse(introspect.is_structured({"kind": "list", "items": prim}))
        for t in (obj, model, {"kind": "list", "items": model},
                  {"kind": "map", "key": prim, "values": prim}):
            self.assertTrue(introspect.is_structured(t), t)


class OldClient:
    """A client of an older release: the request is built in `<op>_with_http_info`."""

    def __init__(self):
        raise AssertionError("introspection must not construct a client")

    def show_files(self, request):
        return self.show_files_with_http_info(request)

    def show_files_with_http_info(self, request):
        return self.call_api(resource_path="/v2/{project_id}/files", method="GET",
                             path_params={}, query_params=[("limit", request.limit)],
                             header_params={}, body=None, post_params={}, cname=None,
                             response_type="ShowFilesResponse", response_headers=[],
                             auth_settings=[], collection_formats={},
                             request_type=request.__class__.__name__)

    def call_api(self, **keywords):
        raise AssertionError("the real call_api must not run")


class NewClient:
    def list_things(self, request):
        raise AssertionError("not called")

    @classmethod
    def _list_things_http_info(cls, request):
        return {"method": "GET", "resource_path": "/v1/things", "request": request}


class PrivateOldClient:
    """3.1.43 and 3.1.58 name the builder `_<op>_with_http_info`."""

    def list_rates(self, request):
        return self._list_rates_with_http_info(request)

    def _list_rates_with_http_info(self, request):
        return self.call_api(resource_path="/v2/rates", method="GET")


class Request:
    limit = 5


class OperationsOfBothReleases(unittest.TestCase):
    def test_both_styles_are_discovered(self):
        self.assertEqual(introspect.discover_operations(OldClient), ["show_files"])
        self.assertEqual(introspect.discover_operations(NewClient), ["list_things"])
        self.assertEqual(introspect.discover_operations(PrivateOldClient), ["list_rates"])
        helper, _ = introspect.http_info_helper(PrivateOldClient, "list_rates")
        self.assertEqual(helper(Request())["resource_path"], "/v2/rates")

    def test_old_style_helper_returns_the_call_keywords_without_a_client(self):
        helper, source = introspect.http_info_helper(OldClient, "show_files")
        info = helper(Request())
        self.assertEqual(info["resource_path"], "/v2/{project_id}/files")
        self.assertEqual(info["query_params"], [("limit", 5)])
        self.assertEqual(info["request_type"], "Request")
        self.assertIs(source, OldClient.__dict__["show_files_with_http_info"])

    def test_new_style_helper_is_the_class_method(self):
        helper, source = introspect.http_info_helper(NewClient, "list_things")
        self.assertEqual(helper("r")["request"], "r")
        self.assertIs(source, NewClient.__dict__["_list_things_http_info"].__func__)


class SampleFiles(unittest.TestCase):
    def test_sample_file_looks_like_a_file_opened_rb(self):
        f = introspect.SampleFile(b"abc")
        self.assertEqual((f.mode, f.name, f.read()), ("rb", "sample.txt", b"abc"))


if __name__ == "__main__":
    unittest.main()
