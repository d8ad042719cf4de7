"""storage/: a quick run of the mutation campaign (tools/faults/files.sh --quick).

40 structural mutations and 100 byte-level mutants of a file with every value type,
each loaded with snex: every structural inconsistency must be a format error naming
the object, consistent edits must load as edited, and no load may crash or hang.
The full campaign (make faults) tries 118 structural mutations and 600 mutants.
"""
import os
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
p = subprocess.run([os.path.join(root, "tools", "faults", "files.sh"), "--quick"],
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
out = p.stdout.decode(errors="replace")
print(out)
sys.exit(p.returncode)
