"""Meeting packs: the cabinet PowerPoint, governor PDF reports and the ``python -m packs`` CLI."""
