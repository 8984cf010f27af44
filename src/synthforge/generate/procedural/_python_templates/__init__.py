"""The python_function templates, one module per level; importing this package registers
them all in `TEMPLATES`."""

from synthforge.generate.procedural._python_templates import level1, level2, level3, level4, level5
from synthforge.generate.procedural._python_templates.spec import (
    NAMES,
    TEMPLATES,
    WORDS,
    Spec,
    Template,
    template,
)

__all__ = ["NAMES", "TEMPLATES", "WORDS", "Spec", "Template", "level1", "level2", "level3",
           "level4", "level5", "template"]
