"""tl_course — the companion package of the hands-on transfer-learning course.

One module a concept: `runtime`, `train`, `plots`, `grading`, ... Importing this package does nothing
else; call `tl_course.runtime.setup()` in a notebook's first cell.
"""

__version__ = "0.1.0"
