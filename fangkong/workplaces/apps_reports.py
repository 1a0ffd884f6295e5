"""wp2's registrations (workbench, briefing, menu), called from WorkplacesConfig.ready()."""


def ready() -> None:
    pass
