"""The README's field reference is generated from the models and must be current."""

from generator.content.schema import field_reference


def test_readme_field_reference_is_current(repo_root):
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    assert field_reference() in readme, "README 字段说明已过期：运行 python -m generator.content.schema"


def test_every_field_has_a_description():
    from generator.content.schema import _models_in_order

    missing = [f"{model.__name__}.{name}" for _, model in _models_in_order() for name, info in model.model_fields.items() if not info.description]
    assert missing == []
