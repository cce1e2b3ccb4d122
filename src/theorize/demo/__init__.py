"""The bundled demo study (all fictional) and the builder behind `theorize demo`."""

from theorize.demo.build import DemoResult, build_demo, study_folder

__all__ = ["DemoResult", "build_demo", "study_folder"]
