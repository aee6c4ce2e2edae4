"""Sign-off test helpers: real documents of each accepted type, and a trainee ready to ask for sign-off."""
import io
import zipfile

from fpdf import FPDF


def pdf_bytes(text: str = "My answer") -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text=text)
    return bytes(document.output())


def office_open_xml_bytes(main_part: str, root: str) -> bytes:
    """The smallest zip an Office Open XML file (docx, pptx) is recognised by."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr(main_part, f'<?xml version="1.0"?><{root}/>')
    return buffer.getvalue()


def opendocument_bytes(mimetype: str) -> bytes:
    """The smallest zip an OpenDocument file (odt, odp) is recognised by: its mimetype entry first."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return office_open_xml_bytes("word/document.xml", "w:document")


def odt_bytes() -> bytes:
    return opendocument_bytes("application/vnd.oasis.opendocument.text")


PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def ready_trainee(make_user, make_organisation, make_run, enrol, finish_module, mentors=(), grade=100.0):
    """A trainee on a run of the appeals workshop who has read the lessons and passed the quiz (at `grade`)."""
    organisation = make_organisation()
    trainee = make_user("trainee", organisation)
    run = make_run(mentors=list(mentors))
    enrol(run, trainee)
    finish_module(trainee, "appeals-basics", grade=grade)
    return trainee, run


def post_request(client, answer="My grounds are fresh evidence and non-disclosure.", file=None):
    data = {"answer": answer}
    if file is not None:
        data["attachment"] = (io.BytesIO(file[1]), file[0])
    return client.post("/modules/appeals-basics/sign-off", data=data, content_type="multipart/form-data")


def post_decision(client, sign_off, decision, criteria=("Identifies both grounds.",), comment="", version=None):
    data = {"decision": decision, "comment": comment,
            "version": version if version is not None else sign_off.latest_version.number}
    data |= {f"criterion_{index}": text for index, text in enumerate(criteria, 1)}
    return client.post(f"/sign-offs/{sign_off.id}/decide", data=data)


def add_sign_off_world(trainee, run) -> dict:
    """For the access matrix: the trainee's waiting sign-off request, through `run`, with a stored PDF."""
    from core.extensions import db
    from curriculum.models import Module
    from modules import evidence
    from modules.models import SignOff, SignOffState, SignOffVersion

    module = db.session.scalar(db.select(Module).where(Module.slug == "appeals-basics"))
    checked = evidence.check_file("answer.pdf", pdf_bytes())
    sign_off = SignOff(learner_id=trainee.id, module_id=module.id, run_id=run.id, state=SignOffState.REQUESTED)
    sign_off.versions.append(SignOffVersion(number=1, answer="The grounds.", file_key=evidence.store(checked),
                                            file_name=checked.name, file_type=checked.content_type,
                                            file_size=len(checked.data)))
    db.session.add(sign_off)
    db.session.commit()
    return {"sign_off": sign_off.id}


def grow_sign_offs(scale: int, trainee, run, members) -> None:
    """For the query-count test: waiting requests from `members` through `run`, a longer history on the
    trainee's own request (`scale` more versions, each returned), and `scale` notices for the trainee."""
    from core.extensions import db
    from core.notices import notify
    from curriculum.models import Module
    from modules.models import SignOff, SignOffAction, SignOffEvent, SignOffState, SignOffVersion

    module = db.session.scalar(db.select(Module).where(Module.slug == "appeals-basics"))
    for member in members:
        sign_off = SignOff(learner_id=member.id, module_id=module.id, run_id=run.id, state=SignOffState.REQUESTED)
        sign_off.versions.append(SignOffVersion(number=1, answer="Grounds."))
        sign_off.events.append(SignOffEvent(actor_id=member.id, action=SignOffAction.REQUESTED, version_number=1))
        db.session.add(sign_off)
    own = db.session.scalar(db.select(SignOff).where(SignOff.learner_id == trainee.id)) or SignOff(
        learner_id=trainee.id, module_id=module.id, run_id=run.id, state=SignOffState.REQUESTED)
    db.session.add(own)
    for _ in range(scale):
        number = len(own.versions) + 1
        own.versions.append(SignOffVersion(number=number, answer=f"Version {number}."))
        own.events.append(SignOffEvent(actor_id=trainee.id, action=SignOffAction.RESUBMITTED, version_number=number))
        own.events.append(SignOffEvent(actor_id=run.mentors[0].id, action=SignOffAction.RETURNED,
                                       version_number=number, comment="More, please."))
    for number in range(scale):
        notify([trainee.id], f"Notice {number}")
    db.session.commit()
