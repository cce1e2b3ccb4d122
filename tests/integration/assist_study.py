"""A small study for the machine-help tests: three client interviews on three themes, the first
two coded by Lena at the focused stage, the third left for the machine."""

from __future__ import annotations

from tests.helpers import transcript

CODES = {
    "fearing the judge": [
        "I was scared the judge would send me to jail.",
        "Every time I went to court I thought I was going back inside.",
        "The judge can lock me up any day, that is what I worried about.",
        "I lay awake afraid of the sanction hearing.",
    ],
    "doing my time": [
        "I was just doing my time in the program.",
        "I showed up, signed the sheet, and counted the days until it was over.",
        "It was a sentence to serve, nothing more, so I sat through the groups.",
        "I kept my head down and waited for the weeks to pass.",
    ],
    "trusting the counselor": [
        "Maria kept what I told her to herself, and that is when I started to trust her.",
        "My counselor stood up for me in front of the court team.",
        "She was honest about what she had to report, so I could open up.",
        "I finally believed my counselor was on my side.",
    ],
}

FIRST = [
    ("Interviewer", "How did the program start for you?"),
    ("Participant", f"{CODES['doing my time'][0]} {CODES['doing my time'][1]}"),
    ("Interviewer", "And the court?"),
    ("Participant", f"{CODES['fearing the judge'][0]} {CODES['fearing the judge'][1]}"),
    ("Interviewer", "What changed later?"),
    ("Participant", f"{CODES['trusting the counselor'][0]} {CODES['trusting the counselor'][1]}"),
    ("Interviewer", "Anything else?"),
    ("Participant", "We talked about my kids and the bus schedule. The weather was cold that winter."),
]
SECOND = [
    ("Interviewer", "Tell me about the first weeks."),
    ("Participant", f"{CODES['doing my time'][2]} {CODES['doing my time'][3]}"),
    ("Interviewer", "How did you feel about court?"),
    ("Participant", f"{CODES['fearing the judge'][2]} {CODES['fearing the judge'][3]}"),
    ("Interviewer", "And your counselor?"),
    ("Participant", f"{CODES['trusting the counselor'][2]} {CODES['trusting the counselor'][3]}"),
    ("Interviewer", "What do you do on weekends?"),
    ("Participant", "I cook for my mother on Sundays. I like fixing old bicycles in the garage."),
]
THIRD = [
    ("Interviewer", "How was the beginning?"),
    ("Participant", "I served my time there and ticked off the days on a calendar."),
    ("Interviewer", "And the court hearings?"),
    ("Participant", "I was terrified the judge would put me in jail."),
    ("Interviewer", "Your counselor?"),
    ("Participant", "In the end I trusted my counselor because she kept my secrets."),
    ("Interviewer", "Hobbies?"),
    ("Participant", "I repair bicycles and cook dinner on Sundays."),
]


def build(study, *, coded: bool = True) -> None:
    """Import the three interviews (participants P1-P3, group client) and code the first two."""
    for name, turns, who in (
        ("P1_interview", FIRST, "P1"),
        ("P2_interview", SECOND, "P2"),
        ("P3_interview", THIRD, "P3"),
    ):
        study.import_parsed(transcript(name, turns), participant=who, group="client")
    if not coded:
        return
    for code, sentences in CODES.items():
        study.add_code(code, stage="focused")
        for n, sentence in enumerate(sentences):
            study.code("P1_interview" if n < 2 else "P2_interview", code, quote=sentence)


def refuse_network(monkeypatch) -> None:
    """Make any attempt to reach the network fail the test (sockets connecting, names resolving)."""
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError(f"machine help tried to use the network: {args[1:] if args else kwargs}")

    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
