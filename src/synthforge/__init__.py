"""synthforge: make synthetic training data for language models.

    import synthforge as sf
    result = sf.run("recipe.yaml")          # or sf.run(sf.Recipe(...)) / a dict
    for record in result.records(): ...
"""

from synthforge.engine.results import Run
from synthforge.engine.run import run
from synthforge.errors import RecipeError, SynthforgeError, UserError
from synthforge.recipe import Recipe, load_recipe
from synthforge.record import Record
from synthforge.registry import register
from synthforge.stage import (
    AsyncMap,
    AsyncMapConfig,
    Check,
    Context,
    Failure,
    Generator,
    GeneratorConfig,
    Map,
    Reject,
    Stage,
    StatefulCheck,
    StepConfig,
    check,
    generator,
    map_step,
)

__version__ = "0.1.0"

__all__ = [
    "AsyncMap",
    "AsyncMapConfig",
    "Check",
    "Context",
    "Failure",
    "Generator",
    "GeneratorConfig",
    "Map",
    "Recipe",
    "RecipeError",
    "Record",
    "Reject",
    "Run",
    "Stage",
    "StatefulCheck",
    "StepConfig",
    "SynthforgeError",
    "UserError",
    "check",
    "generator",
    "load_recipe",
    "map_step",
    "open_run",
    "register",
    "run",
]


def open_run(path: str) -> Run:
    """A run directory, read back."""
    return Run(path)
