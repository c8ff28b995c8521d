#!/usr/bin/env python3
"""Prints the CloudFormation resource types and their Fn::GetAtt attributes
(us-east-1) from cfn-lint's resource schemas, in the format of
internal/sandbox/data/cfn_types.txt:

    python3 scripts/cfn-types.py > internal/sandbox/data/cfn_types.txt
"""
import cfnlint
from cfnlint.schema.manager import PROVIDER_SCHEMA_MANAGER as m

print("# AWS CloudFormation resource types and their Fn::GetAtt attributes, us-east-1,")
print("# from the resource schemas cfn-lint %s carries; one type a line, then its attributes." % cfnlint.version.__version__)
print("# Regenerate with scripts/cfn-types.py.")
for t in sorted(m.get_resource_types("us-east-1")):
    try:
        attrs = sorted(m.get_type_getatts(t, "us-east-1").keys())
    except Exception:
        attrs = []
    print(" ".join([t] + attrs))
