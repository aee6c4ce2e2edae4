"""Attendance certificates: the PDF (in the look of course certificates) and their public verification."""
from certificates.operations import also_verify
from certificates.pdf import ACCENT, MUTED, CertificateDocument
from core.urls import absolute_url, path_for
from events.checkin import find_attendance_certificate, hours_attended
from events.models import AttendanceCertificate


def hours_label(hours: float) -> str:
    return f"{hours:g} hour{'' if hours == 1 else 's'}"


def attendance_pdf(certificate: AttendanceCertificate) -> bytes:
    """The certificate as an A4 landscape PDF: who, which event, the days attended and the hours, for CPD records."""
    registration = certificate.registration
    event = registration.event
    days, hours = hours_attended(registration)
    document = CertificateDocument(f"Certificate of attendance: {event.title}")
    line = document.line
    line("CASEWORK ACADEMY", 13, "B", ACCENT, gap=2)
    line("Certificate of attendance", 30, "B", gap=4)
    line("This certifies that", 13, "I", MUTED, gap=1)
    line(registration.user.display_name, 28, "B", ACCENT, gap=2)
    line(f"attended the {event.kind.value}", 13, "I", MUTED, gap=1)
    line(event.title, 20, "B", gap=1)
    if event.venue:
        line(event.venue, 13)
    line(", ".join(f"{day:%-d %B %Y}" for day in days), 13, gap=4)
    line(f"{hours_label(hours)} of training (CPD)", 16, "B", ACCENT, gap=1)
    line("Counted from the published programme on the days attended; breaks are not counted.", 11, "I", MUTED)
    document.footer(certificate.code, absolute_url("events.verify_attendance", code=certificate.code))
    return document.output()


def _verification_page(code: str) -> str | None:
    return path_for("events.verify_attendance", code=code) if find_attendance_certificate(code) else None


def connect_verification() -> None:
    """/verify finds attendance certificates by their code too."""
    also_verify(_verification_page)
