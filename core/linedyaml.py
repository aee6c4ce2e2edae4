"""YAML that remembers where each value came from, for `file:line: message` reports."""
import yaml


class LinedDict(dict):
    line: int = 0
    key_lines: dict

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class LinedList(list):
    line: int = 0
    item_lines: list

    def line_at(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _LinedLoader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):
        mapping = LinedDict(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {
            self.construct_object(key, deep=True): key.start_mark.line + 1
            for key, _value in node.value
        }
        return mapping

    def construct_sequence(self, node, deep=False):
        sequence = LinedList(super().construct_sequence(node, deep=True))
        sequence.line = node.start_mark.line + 1
        sequence.item_lines = [item.start_mark.line + 1 for item in node.value]
        return sequence


_LinedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LinedLoader.construct_mapping)
_LinedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _LinedLoader.construct_sequence)


def load_lined_yaml(text: str):
    """Parse YAML; raises yaml.YAMLError (with a problem_mark) on bad syntax."""
    return yaml.load(text, Loader=_LinedLoader)  # noqa: S506 - a SafeLoader subclass


class Fields:
    """Typed reads from one YAML mapping; each problem is reported with its line.

    Every read returns a usable default after reporting, so validation goes on
    and the author sees all problems in one run rather than one at a time.
    """

    def __init__(self, mapping, report, what: str, allowed: set[str]):
        self.mapping = mapping if isinstance(mapping, dict) else LinedDict()
        self.report = report
        self.what = what
        line = getattr(mapping, "line", 0)
        if not isinstance(mapping, dict):
            report(line, f"{what} must be a mapping of keys to values")
            self.mapping.line, self.mapping.key_lines = line, {}
        for key in self.mapping:
            if key not in allowed:
                report(self.line(key), f"{what}: unknown key '{key}' (allowed: {', '.join(sorted(allowed))})")

    def line(self, key=None) -> int:
        return self.mapping.line_of(key) if key is not None else self.mapping.line

    def has(self, key) -> bool:
        return self.mapping.get(key) is not None

    def raw(self, key):
        return self.mapping.get(key)

    def text(self, key, required=True, default="") -> str:
        value = self.mapping.get(key)
        if value is None:
            if required:
                self.report(self.line(), f"{self.what}: '{key}' is required")
            return default
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or (required and not value.strip()):
            self.report(self.line(key), f"{self.what}: '{key}' must be non-empty text")
            return default
        return value.strip()

    def integer(self, key, minimum=None, maximum=None, required=False, default=None):
        value = self.mapping.get(key)
        if value is None:
            if required:
                self.report(self.line(), f"{self.what}: '{key}' is required")
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(self.line(key), f"{self.what}: '{key}' must be a whole number")
            return default
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            bounds = f"from {minimum}" + (f" to {maximum}" if maximum is not None else " up")
            self.report(self.line(key), f"{self.what}: '{key}' must be {bounds}, not {value}")
            return default
        return value

    def boolean(self, key, required=False, default=False) -> bool:
        value = self.mapping.get(key)
        if value is None:
            if required:
                self.report(self.line(), f"{self.what}: '{key}' is required (true or false)")
            return default
        if not isinstance(value, bool):
            self.report(self.line(key), f"{self.what}: '{key}' must be true or false")
            return default
        return value

    def choice(self, key, choices, default) -> str:
        value = self.mapping.get(key, default)
        if value not in choices:
            self.report(self.line(key), f"{self.what}: '{key}' must be one of {', '.join(choices)}, not '{value}'")
            return default
        return value

    def _list(self, key, required: bool):
        value = self.mapping.get(key)
        if value is None:
            if required:
                self.report(self.line(), f"{self.what}: '{key}' is required (a list)")
            return None
        if not isinstance(value, list):
            self.report(self.line(key), f"{self.what}: '{key}' must be a list")
            return None
        return value

    def text_list(self, key, required=True, minimum=0, maximum=None) -> list[str]:
        value = self._list(key, required)
        if value is None:
            return []
        items = []
        for index, item in enumerate(value):
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str) or not item.strip():
                self.report(value.line_at(index), f"{self.what}: each entry of '{key}' must be non-empty text")
            else:
                items.append(item.strip())
        count_ok = len(items) >= minimum and (maximum is None or len(items) <= maximum)
        if not count_ok:
            wanted = f"{minimum} to {maximum}" if maximum is not None else f"at least {minimum}"
            self.report(self.line(key), f"{self.what}: '{key}' needs {wanted} entries, has {len(items)}")
        return items

    def mapping_list(self, key, required=True, minimum=0) -> list:
        value = self._list(key, required)
        if value is None:
            return []
        if len(value) < minimum:
            self.report(self.line(key), f"{self.what}: '{key}' needs at least {minimum} entries, has {len(value)}")
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                self.report(value.line_at(index), f"{self.what}: each entry of '{key}' must be a mapping")
        return [item for item in value if isinstance(item, dict)]
