#!/usr/bin/python3
"""Validate a zone file against a vendored JSON schema (tests/schemas/).

usage: validate.py SCHEMA.json FILE.json
Prints every error as "path: message" and the count ("N errors"); exits 0
when there are none, 1 otherwise, 2 when a file does not parse.  Relative
$refs ("./Schema_X.json") resolve in the schema's folder, as the ED-318
repository's own validate_examples.py does.
"""
import json
import pathlib
import sys

import jsonschema


def leaves(e):
    """the innermost errors of a oneOf/anyOf, as the ED-318 repository counts them"""
    if e.context:
        for c in e.context:
            yield from leaves(c)
    else:
        yield e


def main():
    schema_path, doc_path = pathlib.Path(sys.argv[1]).resolve(), sys.argv[2]
    try:
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        doc = json.load(open(doc_path, encoding="utf-8"))
    except (OSError, ValueError) as e:
        print("%s: %s" % (doc_path, e))
        return 2
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    resolver = jsonschema.RefResolver(schema_path.as_uri(), schema)
    errors = [x for e in cls(schema, resolver=resolver).iter_errors(doc) for x in leaves(e)]
    for e in errors:
        print("%s: %s" % ("/".join(str(p) for p in e.absolute_path), e.message[:300]))
    print("%d errors" % len(errors))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
