"""tl_course — the companion package of the hands-on transfer-learning course.

One module a concept: `runtime`, `train`, `plots`, `grading`, ... Importing this package does nothing
else but start `tl_course.audit`'s record of unseen photos opened (the capstone's checker reads it); call
`tl_course.runtime.setup()` in a notebook's first cell.
"""

from . import audit  # noqa: F401 (stdlib only: the record starts with the first import)

__version__ = "0.1.0"
