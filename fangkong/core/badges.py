"""Statuses as coloured badges: the tone of a stored status code (danger, warn, ok, info, muted).

The words here are the shared vocabulary of states (open, overdue, positive, done…), not any app's list;
an app whose code reads otherwise registers its own from AppConfig.ready() with `register_tones`."""

TONES: dict[str, str] = {}

_DEFAULT = {
    "danger": (
        "overdue breached deny positive preliminary_positive failed refused rejected critical severe fever "
        "missing_report urgent urgent_medical flagged escalated close_contact not_returned"
    ),
    "warn": (
        "open new pending refer referred planned candidate preview draft postponed postpone in_progress "
        "assigned analysing importing running scheduled notified returnee_pending secondary_contact "
        "moderate medium high home_observation centralized_observation health_monitoring monitoring "
        "staying boxed sampled contacted inspected decided registered"
    ),
    "ok": (
        "done closed completed allow negative delivered ended finished resulted received committed normal "
        "recovered discharged answered intact active current approved resolved released picked_up "
        "purchased handed_over present returned"
    ),
    "muted": "cancelled superseded transferred dismissed excluded exempt inactive revoked expired no_answer",
}
for _tone, _words in _DEFAULT.items():
    for _w in _words.split():
        TONES.setdefault(_w, _tone)

# The columns and fields that hold a status (their choices are badges in lists and detail pages).
STATUS_FIELDS = {"state", "status", "verdict", "result", "outcome", "stage", "decision", "classification"}


def register_tones(tones: dict[str, str]) -> None:
    TONES.update(tones)


def tone(value) -> str:
    return TONES.get(str(value), "info")
