"""Demo content for Clinic CMS: conditions, treatments and research articles, as plain data.

Loaded by `manage.py load_demo_content`, which is safe to run again (it updates in place, keyed on slug).

Conventions:
- Rich-text fields (condition sections, treatment bodies) hold HTML from the sanitizer's allowlist; section
  headings are rendered by the templates, so the text uses <p>, <ul>, <li> and <strong> only.
- Plain-text fields (summaries, treatment notes, abstracts) hold no HTML. Summaries stay under 300 characters.
- Lists give the editor's order: a condition's "treatments" and "articles", an article's "authors".
- A DOI or PubMed ID is filled in only where it was checked against the publisher or PubMed; otherwise it is "".
- Everything is published at PUBLISHED_AT unless it says "status": "draft".
"""

from datetime import UTC, date, datetime

PUBLISHED_AT = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
REVIEWER = "Arif Hussain, DO"


def _reviewed(last_reviewed):
    """Medical review fields: reviewed on `last_reviewed`, due again twelve months later."""
    return {
        "last_reviewed": last_reviewed,
        "next_review_due": last_reviewed.replace(year=last_reviewed.year + 1),
        "reviewed_by": REVIEWER,
    }


# --- Treatments ------------------------------------------------------------------------------------
# category: one of the TreatmentCategory values (surgical, injection, advanced, medication, rehabilitation,
# psychological).

TREATMENTS = [
    # Surgical options
    {
        "slug": "revision-spine-surgery",
        "name": "Revision Spine Surgery",
        "category": "surgical",
        "summary": (
            "A second spine operation to fix a specific problem found after an earlier surgery, such as a new "
            "disc herniation, scar tissue pressing on a nerve, or a part of the spine that moves too much."
        ),
        "body": """
<p><strong>What it is.</strong> Revision surgery corrects a problem that scans have found after an earlier
spine operation. Examples are removing disc material that has slipped out again, freeing a nerve from scar
tissue, widening a canal that has narrowed, or fusing a segment of the spine that has become unstable.</p>
<p><strong>How it is done.</strong> A spine surgeon plans the operation from your MRI or CT scans and your
symptoms. Depending on the problem, it may be a small decompression through a short incision or a larger
fusion with screws and rods. It is done under general anesthesia.</p>
<p><strong>What to expect.</strong> Many people go home within one to three days. Recovery takes weeks to
months and usually includes physical therapy. Results are best when the scans show a clear cause that
surgery can fix. When they do not, other treatments are more likely to help than another operation.</p>
""",
    },
    {
        "slug": "decompression-surgery",
        "name": "Decompression Surgery (Discectomy and Laminectomy)",
        "category": "surgical",
        "summary": (
            "Surgery that takes pressure off pinched nerves in the spine by removing part of a disc (discectomy) "
            "or part of the bone and thickened ligament around the spinal canal (laminectomy)."
        ),
        "body": """
<p><strong>What it is.</strong> A discectomy removes the part of a herniated disc that presses on a nerve
root. A laminectomy removes part of the bony roof of the spinal canal (the lamina) and thickened ligament, to
give crowded nerves more room.</p>
<p><strong>How it is done.</strong> Both operations are done under general anesthesia, often through a small
incision with a microscope or a narrow tube. Most people go home the same day or the next morning.</p>
<p><strong>What to expect.</strong> Leg pain often improves quickly, while numbness can take longer to fade.
You will walk on the day of surgery and usually return to light activity within a few weeks. Physical therapy
helps rebuild strength. In a small number of people, the disc herniates again at the same level.</p>
""",
    },
    # Injection therapy
    {
        "slug": "epidural-steroid-injection",
        "name": "Epidural Steroid Injection",
        "category": "injection",
        "summary": (
            "An injection of anti-inflammatory steroid medicine into the space around the spinal nerves. It can "
            "ease pain that spreads from the back into the leg, or from the neck into the arm."
        ),
        "body": """
<p><strong>What it is.</strong> An epidural steroid injection places a steroid and a numbing medicine into
the epidural space, the area that surrounds the spinal nerves. The steroid calms a nerve root that is swollen
and irritated by a disc or by narrowing of the spine.</p>
<p><strong>How it is done.</strong> You lie on your stomach while the skin is numbed. The doctor uses live
X-ray (fluoroscopy) and a little contrast dye to guide a thin needle next to the affected nerve. It takes
15 to 30 minutes, and you go home the same day with someone to drive you.</p>
<p><strong>What to expect.</strong> The area may feel numb or sore for a few hours. The steroid starts to work
within two to seven days, and relief can last weeks to months. It is often used to make physical therapy
easier. Side effects are uncommon and usually mild, such as flushing or a short rise in blood sugar.</p>
""",
    },
    {
        "slug": "facet-joint-injection",
        "name": "Facet Joint Injection and Medial Branch Block",
        "category": "injection",
        "summary": (
            "Injections that numb the small joints of the spine, or the nerves that serve them, to find out "
            "whether these joints cause your back or neck pain and to relieve it."
        ),
        "body": """
<p><strong>What it is.</strong> Facet joints link the bones of the spine. A facet joint injection places
numbing medicine, often with a steroid, into the joint. A medial branch block numbs the tiny nerves (medial
branches) that carry pain signals from the joint.</p>
<p><strong>How it is done.</strong> Guided by X-ray, the doctor places a thin needle at each level being
treated. The procedure takes 15 to 30 minutes and you go home the same day.</p>
<p><strong>What to expect.</strong> You will keep a simple pain diary for the next several hours. If your
usual pain drops a lot while the numbing medicine works, the facet joints are likely the source, and
radiofrequency ablation may give longer relief. A steroid injected into the joint can ease pain for weeks to
months.</p>
""",
    },
    {
        "slug": "radiofrequency-ablation",
        "name": "Radiofrequency Ablation",
        "category": "injection",
        "summary": (
            "A procedure that uses gentle heat to switch off the small nerves that carry pain from the spine's "
            "facet joints, the sacroiliac joints or the knee. Relief often lasts six months to a year."
        ),
        "body": """
<p><strong>What it is.</strong> Radiofrequency ablation (RFA) uses a special needle whose tip heats up to
stop a small sensory nerve from sending pain signals. It is used for facet joint pain in the neck and back,
sacroiliac joint pain, and knee arthritis (by treating the genicular nerves around the knee).</p>
<p><strong>How it is done.</strong> RFA is offered after numbing blocks have shown which nerves carry the
pain. The skin is numbed and the needles are placed with X-ray or ultrasound guidance. Each nerve is checked
with a small electrical pulse before it is treated. The procedure takes 30 to 90 minutes.</p>
<p><strong>What to expect.</strong> Soreness for one to two weeks is common. Relief builds over two to four
weeks and often lasts 6 to 12 months, until the nerve grows back, and the treatment can be repeated. Results
vary from person to person, so RFA works best alongside an exercise program.</p>
""",
    },
    {
        "slug": "sacroiliac-joint-injection",
        "name": "Sacroiliac Joint Injection",
        "category": "injection",
        "summary": (
            "An injection of numbing and steroid medicine into the joint where the spine meets the pelvis. It "
            "helps confirm whether this joint is the source of your pain and can ease it."
        ),
        "body": """
<p><strong>What it is.</strong> The sacroiliac (SI) joints connect the base of the spine to the pelvis. An SI
joint injection places a numbing medicine and a steroid directly into the painful joint.</p>
<p><strong>How it is done.</strong> You lie on your stomach while the skin is numbed. Using X-ray guidance and
a small amount of contrast dye, the doctor guides a thin needle into the lower part of the joint. It takes
about 15 to 20 minutes.</p>
<p><strong>What to expect.</strong> If your usual pain eases while the numbing medicine works, the SI joint
is likely the cause. The steroid takes a few days to act and may bring relief for weeks to months. If relief
does not last, radiofrequency ablation of the nerves to the joint may be the next step.</p>
""",
    },
    # Advanced treatment (neuromodulation)
    {
        "slug": "spinal-cord-stimulation",
        "name": "Spinal Cord Stimulation",
        "category": "advanced",
        "summary": (
            "A small implanted device that sends mild electrical pulses to the spinal cord to block pain signals. "
            "You try it for about a week before deciding on a permanent implant."
        ),
        "body": """
<p><strong>What it is.</strong> Spinal cord stimulation (SCS) uses thin wires (leads) placed in the epidural
space and a small battery, much like a heart pacemaker. The pulses change how pain signals travel to the
brain. Newer settings, such as high-frequency stimulation, work without a tingling feeling.</p>
<p><strong>How it is done.</strong> It starts with a trial. The leads are placed through a needle under X-ray
guidance and connected to a battery worn outside the body for five to seven days. If your pain drops by half
or more and you can do more, the permanent system is implanted during a short outpatient operation, with the
battery under the skin of the buttock or belly.</p>
<p><strong>What to expect.</strong> For about six weeks you avoid bending, twisting and heavy lifting while
the leads settle. You adjust the device with a handheld remote. Research shows SCS helps many people with
nerve pain after back surgery, complex regional pain syndrome or painful diabetic neuropathy. Possible
problems include a lead moving out of place, infection, or the need to replace the battery.</p>
""",
    },
    {
        "slug": "dorsal-root-ganglion-stimulation",
        "name": "Dorsal Root Ganglion Stimulation",
        "category": "advanced",
        "summary": (
            "A type of nerve stimulation aimed at the cluster of nerve cells (dorsal root ganglion) that serves "
            "one area, such as the foot, knee or groin. It suits pain that stays in one small area."
        ),
        "body": """
<p><strong>What it is.</strong> The dorsal root ganglion (DRG) is a cluster of nerve cells beside the spine
that relays feeling from a specific part of the body. DRG stimulation places a lead right next to it, so the
therapy can focus on a small painful area.</p>
<p><strong>How it is done.</strong> As with spinal cord stimulation, you first try it for about a week. If it
helps, a permanent lead and a small battery are implanted during an outpatient operation.</p>
<p><strong>What to expect.</strong> It is most often used for complex regional pain syndrome and for nerve
pain in the foot, knee or groin, including pain that follows surgery. In a large trial of people with CRPS
in the legs, more people reached good pain relief with DRG stimulation than with standard spinal cord
stimulation. Recovery and risks are similar to spinal cord stimulation.</p>
""",
    },
    # Medication
    {
        "slug": "medication-management",
        "name": "Medication Management",
        "category": "medication",
        "summary": (
            "A personal plan for using pain medicines safely and well, such as nerve pain medicines, "
            "anti-inflammatories and skin patches or creams, reviewed regularly with your doctor."
        ),
        "body": """
<p><strong>What it is.</strong> No single pill fixes long-lasting pain, but the right medicine can take the
edge off so you can sleep, move and take part in therapy. Your plan depends on the kind of pain you have.</p>
<ul>
<li><strong>Nerve pain:</strong> medicines such as gabapentin, pregabalin, duloxetine or amitriptyline.</li>
<li><strong>Joint and muscle pain:</strong> acetaminophen, anti-inflammatory medicines (NSAIDs), and creams or
patches.</li>
<li><strong>Opioids:</strong> used rarely, at the lowest dose for the shortest time, and only with a clear
safety plan.</li>
</ul>
<p><strong>What to expect.</strong> Many nerve pain medicines start at a low dose that is raised slowly over
several weeks. At each visit we check how well they work, look for side effects and interactions, and stop
medicines that are not helping.</p>
""",
    },
    # Physical therapy and rehabilitation
    {
        "slug": "physical-therapy",
        "name": "Physical Therapy",
        "category": "rehabilitation",
        "summary": (
            "A guided exercise and movement program that builds strength, flexibility and confidence, so you can "
            "do more with less pain. It is part of almost every pain treatment plan."
        ),
        "body": """
<p><strong>What it is.</strong> A physical therapist looks at how you move and designs a program to improve
strength, flexibility, posture and stamina. For long-lasting pain, the goal is to help you get back to the
activities that matter to you.</p>
<p><strong>How it is done.</strong> Sessions usually take place once or twice a week for 6 to 12 weeks. They
may include exercises, hands-on treatment, walking or cycling programs, and advice on pacing your day. You
also get a home program to follow between visits.</p>
<p><strong>What to expect.</strong> Some soreness at first is normal and does not mean you are doing harm.
Progress is gradual. The biggest gains come from doing the exercises regularly, and keeping up the home
program protects those gains after therapy ends.</p>
""",
    },
    # Psychological support and self-management
    {
        "slug": "cognitive-behavioral-therapy",
        "name": "Cognitive Behavioral Therapy for Pain",
        "category": "psychological",
        "summary": (
            "A talking therapy that teaches practical skills for handling pain, stress and poor sleep, and for "
            "getting back to the things you value. It changes how much pain controls your life."
        ),
        "body": """
<p><strong>What it is.</strong> Long-lasting pain affects sleep, mood, work and relationships, and stress can
make pain feel worse. Cognitive behavioral therapy (CBT) for pain is a structured, skills-based treatment with
a psychologist. Being offered it does not mean your pain is imagined.</p>
<p><strong>How it is done.</strong> Most programs have 6 to 12 weekly sessions, in person or by video, alone
or in a small group. You learn skills such as pacing your activity, relaxation and breathing, better sleep
habits, setting goals, and handling unhelpful thoughts about pain.</p>
<p><strong>What to expect.</strong> Research shows CBT can reduce pain, disability and distress by a modest
amount. It works best together with physical therapy and medical care, and the skills keep helping after the
sessions end.</p>
""",
    },
]


# --- Research articles -----------------------------------------------------------------------------
# authors: (family name, given names, credentials) in author order; credentials only where the paper gives them.
# treatments: slugs from TREATMENTS the article is about.

RESEARCH_ARTICLES = [
    {
        "slug": "interventional-pain-management-for-failed-back-surgery-syndrome",
        "title": "Interventional Pain Management for Failed Back Surgery Syndrome",
        "journal": "Pain Practice",
        "journal_abbreviation": "Pain Pract",
        "year": 2014,
        "volume": "14",
        "issue": "1",
        "pages": "64-78",
        "doi": "10.1111/papr.12035",
        "pmid": "",
        "authors": [
            ("Hussain", "Arif", "DO"),
            ("Erdek", "Michael", "MD"),
        ],
        "abstract": (
            "The authors review why back and leg pain can continue after lumbar spine surgery and how to find the "
            "cause, using imaging together with confirming injections such as medial branch blocks and nerve root "
            "blocks. They describe the techniques and evidence for interventional procedures and recommend a team "
            "approach that combines exercise, psychological support, medicine and procedures. Spinal cord "
            "stimulation is presented as the most invasive option short of another operation, with studies "
            "supporting its effectiveness and value."
        ),
        "treatments": [
            "revision-spine-surgery",
            "epidural-steroid-injection",
            "facet-joint-injection",
            "spinal-cord-stimulation",
        ],
    },
    {
        "slug": "scs-versus-conventional-medical-management-process-trial",
        "title": (
            "Spinal cord stimulation versus conventional medical management for neuropathic pain: a multicentre "
            "randomised controlled trial in patients with failed back surgery syndrome"
        ),
        "journal": "Pain",
        "journal_abbreviation": "Pain",
        "year": 2007,
        "volume": "132",
        "issue": "1-2",
        "pages": "179-188",
        "doi": "10.1016/j.pain.2007.07.028",
        "pmid": "17845835",
        "authors": [
            ("Kumar", "Krishna", ""),
            ("Taylor", "Rod S", ""),
            ("Jacques", "Line", ""),
            ("Eldabe", "Sam", ""),
            ("Meglio", "Mario", ""),
            ("Molet", "Joan", ""),
            ("Thomson", "Simon", ""),
            ("O'Callaghan", "Jim", ""),
            ("Eisenberg", "Elon", ""),
            ("Milbouw", "Germain", ""),
            ("Buchser", "Eric", ""),
            ("Fortini", "Gianpaolo", ""),
            ("Richardson", "Jonathan", ""),
            ("North", "Richard B", ""),
        ],
        "abstract": (
            "In this trial, known as PROCESS, 100 people with nerve-related leg pain after back surgery were "
            "randomly assigned to spinal cord stimulation added to usual medical care, or to usual medical care "
            "alone. At six months, about half of the stimulation group had at least 50% less leg pain, compared "
            "with fewer than one in ten of the usual-care group, and they also reported better function, quality "
            "of life and satisfaction. About a third of the stimulation group had a device-related complication "
            "within the first year."
        ),
        "treatments": ["spinal-cord-stimulation"],
    },
    {
        "slug": "scs-versus-repeated-lumbosacral-spine-surgery",
        "title": (
            "Spinal cord stimulation versus repeated lumbosacral spine surgery for chronic pain: a randomized, "
            "controlled trial"
        ),
        "journal": "Neurosurgery",
        "journal_abbreviation": "Neurosurgery",
        "year": 2005,
        "volume": "56",
        "issue": "1",
        "pages": "98-106",
        "doi": "",
        "pmid": "15617591",
        "authors": [
            ("North", "Richard B", ""),
            ("Kidd", "David H", ""),
            ("Farrokhi", "Farrokh", ""),
            ("Piantadosi", "Steven A", ""),
        ],
        "abstract": (
            "Fifty people with ongoing leg pain after lumbosacral spine surgery, all of whom qualified for another "
            "operation, were randomly assigned to spinal cord stimulation or to repeat surgery and followed for "
            "about three years. Stimulation was successful more often than reoperation, and people who started "
            "with stimulation were less likely to switch to the other treatment. Those assigned to repeat surgery "
            "more often needed higher doses of opioid pain medicine."
        ),
        "treatments": ["spinal-cord-stimulation", "revision-spine-surgery"],
    },
    {
        "slug": "sport-lumbar-disk-herniation-randomized-trial",
        "title": (
            "Surgical vs Nonoperative Treatment for Lumbar Disk Herniation: The Spine Patient Outcomes Research "
            "Trial (SPORT): A Randomized Trial"
        ),
        "journal": "JAMA",
        "journal_abbreviation": "JAMA",
        "year": 2006,
        "volume": "296",
        "issue": "20",
        "pages": "2441-2450",
        "doi": "10.1001/jama.296.20.2441",
        "pmid": "17119140",
        "authors": [
            ("Weinstein", "James N", ""),
            ("Tosteson", "Tor D", ""),
            ("Lurie", "Jon D", ""),
            ("Tosteson", "Anna N A", ""),
            ("Hanscom", "Brett", ""),
            ("Skinner", "Jonathan S", ""),
            ("Abdu", "William A", ""),
            ("Hilibrand", "Alan S", ""),
            ("Boden", "Scott D", ""),
            ("Deyo", "Richard A", ""),
        ],
        "abstract": (
            "The randomized part of the Spine Patient Outcomes Research Trial enrolled 501 people with sciatica "
            "from a disc herniation confirmed on imaging, at 13 US spine centers, and compared standard open "
            "discectomy with nonsurgical care tailored to each patient. Both groups improved a great deal over two "
            "years. Because many patients switched from their assigned treatment, the differences between groups "
            "favored surgery but were small and not statistically significant for the main outcomes."
        ),
        "treatments": ["decompression-surgery"],
    },
    {
        "slug": "surgery-versus-prolonged-conservative-treatment-for-sciatica",
        "title": "Surgery versus Prolonged Conservative Treatment for Sciatica",
        "journal": "The New England Journal of Medicine",
        "journal_abbreviation": "N Engl J Med",
        "year": 2007,
        "volume": "356",
        "issue": "22",
        "pages": "2245-2256",
        "doi": "10.1056/NEJMoa064039",
        "pmid": "17538084",
        "authors": [
            ("Peul", "Wilco C", ""),
            ("van Houwelingen", "Hans C", ""),
            ("van den Hout", "Wilbert B", ""),
            ("Brand", "Ronald", ""),
            ("Eekhof", "Just A H", ""),
            ("Tans", "Joseph T J", ""),
            ("Thomeer", "Ralph T W M", ""),
            ("Koes", "Bart W", ""),
            ("Leiden-The Hague Spine Intervention Prognostic Study Group", "", ""),
        ],
        "abstract": (
            "This Dutch trial randomly assigned 283 people who had had severe sciatica for 6 to 12 weeks to early "
            "microdiscectomy or to continued conservative care, with surgery later if needed. Early surgery "
            "relieved leg pain and brought recovery sooner, but disability over the first year did not differ "
            "overall, and about 95% of people in both groups felt recovered at one year. Fewer than half of the "
            "conservative-care group ended up having surgery during that year."
        ),
        "treatments": ["decompression-surgery"],
    },
    {
        "slug": "sport-surgical-versus-nonsurgical-therapy-for-lumbar-spinal-stenosis",
        "title": "Surgical versus Nonsurgical Therapy for Lumbar Spinal Stenosis",
        "journal": "The New England Journal of Medicine",
        "journal_abbreviation": "N Engl J Med",
        "year": 2008,
        "volume": "358",
        "issue": "8",
        "pages": "794-810",
        "doi": "10.1056/NEJMoa0707136",
        "pmid": "18287602",
        "authors": [
            ("Weinstein", "James N", ""),
            ("Tosteson", "Tor D", ""),
            ("Lurie", "Jon D", ""),
            ("Tosteson", "Anna N A", ""),
            ("Blood", "Emily", ""),
            ("Hanscom", "Brett", ""),
            ("Herkowitz", "Harry", ""),
            ("Cammisa", "Frank", ""),
            ("Albert", "Todd", ""),
            ("Boden", "Scott D", ""),
            ("Hilibrand", "Alan", ""),
            ("Goldberg", "Harley", ""),
            ("Berven", "Sigurd", ""),
            ("An", "Howard", ""),
            ("SPORT Investigators", "", ""),
        ],
        "abstract": (
            "This part of SPORT studied people with lumbar spinal stenosis without a slipped vertebra, in a "
            "randomized group of 289 and an observational group of 365, treated with decompression surgery or "
            "usual nonsurgical care. Because many patients crossed over, the randomized comparison showed a "
            "benefit of surgery only for bodily pain. When both groups were analyzed by the treatment people "
            "actually received, surgery led to greater gains in pain and function from three months to two years."
        ),
        "treatments": ["decompression-surgery"],
    },
    {
        "slug": "surgery-versus-nonsurgical-treatment-of-lumbar-spinal-stenosis",
        "title": "Surgery Versus Nonsurgical Treatment of Lumbar Spinal Stenosis: A Randomized Trial",
        "journal": "Annals of Internal Medicine",
        "journal_abbreviation": "Ann Intern Med",
        "year": 2015,
        "volume": "162",
        "issue": "7",
        "pages": "465-473",
        "doi": "10.7326/M14-1420",
        "pmid": "25844995",
        "authors": [
            ("Delitto", "Anthony", ""),
            ("Piva", "Sara R", ""),
            ("Moore", "Charity G", ""),
            ("Fritz", "Julie M", ""),
            ("Wisniewski", "Stephen R", ""),
            ("Josbeno", "Deborah A", ""),
            ("Fye", "M", ""),
            ("Welch", "William C", ""),
        ],
        "abstract": (
            "In this trial, 169 people aged 50 or older with lumbar spinal stenosis who had agreed to surgery were "
            "randomly assigned to decompression surgery or to a structured physical therapy program. After two "
            "years, physical function had improved by similar amounts in both groups. More than half of the "
            "physical therapy group later chose surgery, and the authors urge shared decision-making that "
            "explains both options fully."
        ),
        "treatments": ["decompression-surgery", "physical-therapy"],
    },
    {
        "slug": "epidural-glucocorticoid-injections-for-spinal-stenosis",
        "title": "A Randomized Trial of Epidural Glucocorticoid Injections for Spinal Stenosis",
        "journal": "The New England Journal of Medicine",
        "journal_abbreviation": "N Engl J Med",
        "year": 2014,
        "volume": "371",
        "issue": "1",
        "pages": "11-21",
        "doi": "10.1056/NEJMoa1313265",
        "pmid": "24988555",
        "authors": [
            ("Friedly", "Janna L", ""),
            ("Comstock", "Bryan A", ""),
            ("Turner", "Judith A", ""),
            ("Heagerty", "Patrick J", ""),
            ("Deyo", "Richard A", ""),
            ("Sullivan", "Sean D", ""),
            ("Bauer", "Zoya", ""),
            ("Bresnahan", "Brian W", ""),
            ("Avins", "Andrew L", ""),
            ("Nedeljkovic", "Srdjan S", ""),
            ("Nerenz", "David R", ""),
            ("Standaert", "Christopher", ""),
            ("Kessler", "Larry", ""),
            ("Akuthota", "Venu", ""),
            ("Annaswamy", "Thiru", ""),
            ("Chen", "Allen", ""),
            ("Diehn", "Felix", ""),
            ("Firtch", "William", ""),
            ("Gerges", "Frederic J", ""),
            ("Gilligan", "Christopher", ""),
            ("Goldberg", "Harley", ""),
            ("Kennedy", "David J", ""),
            ("Mandel", "Shlomo", ""),
            ("Tyburski", "Mark", ""),
            ("Sanders", "William", ""),
            ("Sibell", "David", ""),
            ("Smuck", "Matthew", ""),
            ("Wasan", "Ajay", ""),
            ("Won", "Lawrence", ""),
            ("Jarvik", "Jeffrey G", ""),
        ],
        "abstract": (
            "In this double-blind trial, 400 people with lumbar central spinal stenosis and moderate to severe leg "
            "pain received epidural injections of either a steroid (glucocorticoid) with lidocaine, or lidocaine "
            "alone. After six weeks, adding the steroid made little or no extra difference to disability or leg "
            "pain. The results suggest that, for spinal stenosis, the short-term benefit of the steroid itself is "
            "small."
        ),
        "treatments": ["epidural-steroid-injection"],
    },
    {
        "slug": "radiofrequency-denervation-for-chronic-low-back-pain-mint-trials",
        "title": (
            "Effect of Radiofrequency Denervation on Pain Intensity Among Patients With Chronic Low Back Pain: "
            "The Mint Randomized Clinical Trials"
        ),
        "journal": "JAMA",
        "journal_abbreviation": "JAMA",
        "year": 2017,
        "volume": "318",
        "issue": "1",
        "pages": "68-81",
        "doi": "10.1001/jama.2017.7918",
        "pmid": "28672319",
        "authors": [
            ("Juch", "Johan N S", ""),
            ("Maas", "Esther T", ""),
            ("Ostelo", "Raymond W J G", ""),
            ("Groeneweg", "J George", ""),
            ("Kallewaard", "Jan-Willem", ""),
            ("Koes", "Bart W", ""),
            ("Verhagen", "Arianne P", ""),
            ("van Dongen", "Johanna M", ""),
            ("Huygen", "Frank J P M", ""),
            ("van Tulder", "Maurits W", ""),
        ],
        "abstract": (
            "Three pragmatic randomized trials in 16 Dutch pain clinics added radiofrequency denervation to a "
            "standard exercise program for 681 people with chronic low back pain from the facet joints, the "
            "sacroiliac joints, or a mix of sources. At three months, the extra reduction in pain compared with "
            "exercise alone was either not significant or smaller than the amount judged clinically important. "
            "The authors concluded that their results did not support the procedure for these sources of pain."
        ),
        "treatments": ["radiofrequency-ablation"],
    },
    {
        "slug": "drg-stimulation-versus-scs-for-crps-accurate-trial",
        "title": (
            "Dorsal root ganglion stimulation yielded higher treatment success rate for complex regional pain "
            "syndrome and causalgia at 3 and 12 months: a randomized comparative trial"
        ),
        "journal": "Pain",
        "journal_abbreviation": "Pain",
        "year": 2017,
        "volume": "158",
        "issue": "4",
        "pages": "669-681",
        "doi": "10.1097/j.pain.0000000000000814",
        "pmid": "28030470",
        "authors": [
            ("Deer", "Timothy R", ""),
            ("Levy", "Robert M", ""),
            ("Kramer", "Jeffery", ""),
            ("Poree", "Lawrence", ""),
            ("Amirdelfan", "Kasra", ""),
            ("Grigsby", "Eric", ""),
            ("Staats", "Peter", ""),
            ("Burton", "Allen W", ""),
            ("Burgher", "Abram H", ""),
            ("Obray", "Jon", ""),
            ("Scowcroft", "James", ""),
            ("Golovac", "Stan", ""),
            ("Kapural", "Leonardo", ""),
            ("Paicius", "Richard", ""),
            ("Kim", "Christopher", ""),
            ("Pope", "Jason", ""),
            ("Yearwood", "Thomas", ""),
            ("Samuel", "Sam", ""),
            ("McRoberts", "W Porter", ""),
            ("Cassim", "Hazmer", ""),
            ("Netherton", "Mark", ""),
            ("Miller", "Nathan", ""),
            ("Schaufele", "Michael", ""),
            ("Tavel", "Edward", ""),
            ("Davis", "Timothy", ""),
            ("Davis", "Kristina", ""),
            ("Johnson", "Linda", ""),
            ("Mekhail", "Nagy", ""),
        ],
        "abstract": (
            "ACCURATE was a multicenter randomized trial of 152 people with complex regional pain syndrome or "
            "causalgia in the legs, comparing dorsal root ganglion stimulation with standard spinal cord "
            "stimulation. At three months, 81% of the DRG group reached the goal of at least 50% pain relief "
            "without nerve problems from stimulation, compared with 56% of the spinal cord stimulation group, and "
            "the advantage lasted to twelve months. DRG stimulation also caused less tingling in areas without "
            "pain and changed less with posture, with similar rates of side effects."
        ),
        "treatments": ["dorsal-root-ganglion-stimulation", "spinal-cord-stimulation"],
    },
    {
        "slug": "spinal-cord-stimulation-in-chronic-reflex-sympathetic-dystrophy",
        "title": "Spinal Cord Stimulation in Patients with Chronic Reflex Sympathetic Dystrophy",
        "journal": "The New England Journal of Medicine",
        "journal_abbreviation": "N Engl J Med",
        "year": 2000,
        "volume": "343",
        "issue": "9",
        "pages": "618-624",
        "doi": "10.1056/NEJM200008313430904",
        "pmid": "10965008",
        "authors": [
            ("Kemler", "Marius A", ""),
            ("Barendse", "G A", ""),
            ("van Kleef", "M", ""),
            ("de Vet", "H C", ""),
            ("Rijks", "C P", ""),
            ("Furnée", "C A", ""),
            ("van den Wildenberg", "F A", ""),
        ],
        "abstract": (
            "Fifty-four people who had had reflex sympathetic dystrophy (now called complex regional pain "
            "syndrome) for at least six months were randomly assigned to spinal cord stimulation plus physical "
            "therapy, or to physical therapy alone. After six months, pain had dropped in the stimulation group "
            "but not in the physical therapy group, and more people felt much improved. Day-to-day function did "
            "not change in a meaningful way, and 6 of the 24 people who received an implant needed further "
            "procedures for complications."
        ),
        "treatments": ["spinal-cord-stimulation", "physical-therapy"],
    },
    {
        "slug": "validation-of-the-budapest-criteria-for-crps",
        "title": (
            'Validation of proposed diagnostic criteria (the "Budapest Criteria") for Complex Regional Pain Syndrome'
        ),
        "journal": "Pain",
        "journal_abbreviation": "Pain",
        "year": 2010,
        "volume": "150",
        "issue": "",
        "pages": "268-274",
        "doi": "",
        "pmid": "",
        "authors": [
            ("Harden", "R Norman", ""),
            ("Bruehl", "Stephen", ""),
            ("Perez", "Roberto S G M", ""),
            ("Birklein", "Frank", ""),
            ("Marinus", "Johan", ""),
            ("Maihofner", "Christian", ""),
            ("Lubenow", "Timothy", ""),
            ("Buvanendran", "Asokumar", ""),
            ("Mackey", "Sean", ""),
            ("Graciosa", "Joseph", ""),
            ("Mogilevski", "Mila", ""),
            ("Ramsden", "Christopher", ""),
            ("Chont", "Melissa", ""),
            ("Vatine", "Jean-Jacques", ""),
        ],
        "abstract": (
            "This study tested a proposed new set of diagnostic rules for complex regional pain syndrome, the "
            "Budapest criteria, in 113 patients with CRPS type I and 47 patients with other nerve pain. The older "
            "criteria of the International Association for the Study of Pain picked up every case but also "
            "labeled many people who did not have CRPS. The Budapest clinical criteria found nearly all true cases "
            "while wrongly labeling far fewer, and they are now the standard way to diagnose CRPS."
        ),
        "treatments": [],
    },
    {
        "slug": "high-frequency-scs-for-painful-diabetic-neuropathy",
        "title": (
            "Effect of High-frequency (10-kHz) Spinal Cord Stimulation in Patients With Painful Diabetic "
            "Neuropathy: A Randomized Clinical Trial"
        ),
        "journal": "JAMA Neurology",
        "journal_abbreviation": "JAMA Neurol",
        "year": 2021,
        "volume": "78",
        "issue": "6",
        "pages": "687-698",
        "doi": "10.1001/jamaneurol.2021.0538",
        "pmid": "33818600",
        "authors": [
            ("Petersen", "Erika A", ""),
            ("Stauss", "Thomas G", ""),
            ("Scowcroft", "James A", ""),
            ("Brooks", "Elizabeth S", ""),
            ("White", "Judith L", ""),
            ("Sills", "Shawn M", ""),
            ("Amirdelfan", "Kasra", ""),
            ("Guirguis", "Maged N", ""),
            ("Xu", "Jijun", ""),
            ("Yu", "Cong", ""),
            ("Nairizi", "Ali", ""),
            ("Patterson", "Denis G", ""),
            ("Tsoulfas", "Kostandinos C", ""),
            ("Creamer", "Michael J", ""),
            ("Galan", "Vincent", ""),
            ("Bundschu", "Richard H", ""),
            ("Paul", "Christopher A", ""),
            ("Mehta", "Neel D", ""),
            ("Choi", "Heejung", ""),
            ("Sayed", "Dawood", ""),
            ("Lad", "Shivanand P", ""),
            ("DiBenedetto", "David J", ""),
            ("Sethi", "Khalid A", ""),
            ("Goree", "Johnathan H", ""),
            ("Bennett", "Matthew T", ""),
            ("Harrison", "Nathan J", ""),
            ("Israel", "Atef F", ""),
            ("Chang", "Paul", ""),
            ("Wu", "Paul W", ""),
            ("Gekht", "Gennady", ""),
            ("Argoff", "Charles E", ""),
            ("Nasr", "Christian E", ""),
            ("Taylor", "Rod S", ""),
            ("Subbaroyan", "Jeyakumar", ""),
            ("Gliner", "Bradford E", ""),
            ("Caraway", "David L", ""),
            ("Mekhail", "Nagy A", ""),
        ],
        "abstract": (
            "The SENZA-PDN trial randomly assigned 216 people with painful diabetic neuropathy that had not "
            "responded to medicines to usual medical care, with or without 10-kHz spinal cord stimulation. At "
            "three months, 79% of the stimulation group had at least 50% pain relief without any worsening of "
            "nerve function, compared with 5% of those on medical care alone. Stimulation also improved sleep and "
            "quality of life."
        ),
        "treatments": ["spinal-cord-stimulation"],
    },
    {
        "slug": "pharmacotherapy-for-neuropathic-pain-in-adults",
        "title": "Pharmacotherapy for neuropathic pain in adults: a systematic review and meta-analysis",
        "journal": "The Lancet Neurology",
        "journal_abbreviation": "Lancet Neurol",
        "year": 2015,
        "volume": "14",
        "issue": "2",
        "pages": "162-173",
        "doi": "10.1016/S1474-4422(14)70251-0",
        "pmid": "25575710",
        "authors": [
            ("Finnerup", "Nanna B", ""),
            ("Attal", "Nadine", ""),
            ("Haroutounian", "Simon", ""),
            ("McNicol", "Ewan", ""),
            ("Baron", "Ralf", ""),
            ("Dworkin", "Robert H", ""),
            ("Gilron", "Ian", ""),
            ("Haanpää", "Maija", ""),
            ("Hansson", "Per", ""),
            ("Jensen", "Troels S", ""),
            ("Kamerman", "Peter R", ""),
            ("Lund", "Karen", ""),
            ("Moore", "Andrew", ""),
            ("Raja", "Srinivasa N", ""),
            ("Rice", "Andrew S C", ""),
            ("Rowbotham", "Michael", ""),
            ("Sena", "Emily", ""),
            ("Siddall", "Philip", ""),
            ("Smith", "Blair H", ""),
            ("Wallace", "Mark", ""),
        ],
        "abstract": (
            "An international expert group on neuropathic pain pooled 229 randomized, double-blind trials of "
            "medicines taken by mouth or applied to the skin. Most drugs gave only modest benefit. The group "
            "recommended gabapentin, pregabalin, serotonin-noradrenaline reuptake inhibitors such as duloxetine, "
            "and tricyclic antidepressants as first choices, with lidocaine or high-dose capsaicin patches and "
            "tramadol as second-line options, and strong opioids and botulinum toxin as third-line options."
        ),
        "treatments": ["medication-management"],
    },
    {
        "slug": "psychological-therapies-for-chronic-pain-in-adults-cochrane-review",
        "title": "Psychological therapies for the management of chronic pain (excluding headache) in adults",
        "journal": "Cochrane Database of Systematic Reviews",
        "journal_abbreviation": "Cochrane Database Syst Rev",
        "year": 2020,
        "volume": "8",
        "issue": "8",
        "pages": "CD007407",
        "doi": "10.1002/14651858.CD007407.pub4",
        "pmid": "",
        "authors": [
            ("Williams", "Amanda C de C", ""),
            ("Fisher", "Emma", ""),
            ("Hearn", "Leslie", ""),
            ("Eccleston", "Christopher", ""),
        ],
        "abstract": (
            "This Cochrane review brought together 75 randomized trials with more than 9,000 adults who had "
            "long-lasting pain other than headache, testing cognitive behavioral therapy, behavioral therapy and "
            "acceptance and commitment therapy. Compared with usual care, CBT led to small improvements in pain, "
            "disability and distress by the end of treatment, and some of the benefit was still present months "
            "later. There was too little evidence to draw firm conclusions about the other therapies."
        ),
        "treatments": ["cognitive-behavioral-therapy"],
    },
    {
        "slug": "physical-therapy-versus-glucocorticoid-injection-for-knee-osteoarthritis",
        "title": "Physical Therapy versus Glucocorticoid Injection for Osteoarthritis of the Knee",
        "journal": "The New England Journal of Medicine",
        "journal_abbreviation": "N Engl J Med",
        "year": 2020,
        "volume": "382",
        "issue": "15",
        "pages": "1420-1429",
        "doi": "10.1056/NEJMoa1905877",
        "pmid": "32268027",
        "authors": [
            ("Deyle", "Gail D", ""),
            ("Allen", "Chris S", ""),
            ("Allison", "Stephen C", ""),
            ("Gill", "Norman W", ""),
            ("Hando", "Benjamin R", ""),
            ("Petersen", "Evan J", ""),
            ("Dusenberry", "Douglas I", ""),
            ("Rhon", "Daniel I", ""),
        ],
        "abstract": (
            "In this trial within the US Military Health System, 156 people with knee osteoarthritis were randomly "
            "assigned to physical therapy or to steroid (glucocorticoid) injections into the knee. After one "
            "year, the physical therapy group had less pain, stiffness and difficulty with daily activities than "
            "the injection group. Other measures, such as walking and balance tests, pointed the same way."
        ),
        "treatments": ["physical-therapy"],
    },
    {
        "slug": "cervical-radiculopathy-clinical-practice-review",
        "title": "Cervical Radiculopathy",
        "journal": "The New England Journal of Medicine",
        "journal_abbreviation": "N Engl J Med",
        "year": 2005,
        "volume": "353",
        "issue": "",
        "pages": "392-399",
        "doi": "",
        "pmid": "",
        "authors": [
            ("Carette", "Simon", "MD, MPhil"),
            ("Fehlings", "Michael G", "MD, PhD"),
        ],
        "abstract": (
            "A clinical review of cervical radiculopathy, in which an irritated nerve root in the neck causes pain, "
            "numbness or weakness in the arm. The authors explain how common it is, how the diagnosis is made from "
            "the history and examination, and when imaging and nerve tests help. They weigh the evidence for "
            "nonsurgical treatments and for surgery, noting that most people improve without an operation."
        ),
        "treatments": [],
    },
]


# --- Conditions ------------------------------------------------------------------------------------
# body_region: one of the BodyRegion values (head-face, neck, shoulder-arm, mid-back, low-back, hip-pelvis,
# leg-foot, whole-body). alternate_names: one entry per name (stored one per line).
# treatments: [{"treatment": slug, "note": plain text for this condition's page}], in the editor's order.
# articles: research article slugs, in the editor's order.

_CAUDA_EQUINA_WARNING = """
<ul>
<li>New trouble controlling your bladder or bowels, or being unable to pass urine</li>
<li>Numbness in the groin, genitals, inner thighs or buttocks (the "saddle" area)</li>
<li>Weakness in one or both legs that comes on suddenly or gets worse quickly</li>
</ul>
"""

CONDITIONS = [
    {
        "slug": "post-laminectomy-syndrome",
        "name": "Post Laminectomy Syndrome",
        "alternate_names": ["Failed Back Surgery Syndrome", "Failed Back Syndrome"],
        "body_region": "low-back",
        **_reviewed(date(2026, 1, 12)),
        "summary": (
            "Back or leg pain that continues or comes back after spine surgery. It has several possible causes, "
            "and most can be treated. We find the source of your pain and build a plan to ease it."
        ),
        "overview": """
<p>Spine surgery, such as a laminectomy or a discectomy, is done to take pressure off a pinched nerve and
relieve long-lasting back or leg pain. For some people, the pain does not go away after the operation, or it
returns months later. Doctors call this post laminectomy syndrome, or failed back surgery syndrome.</p>
<p>The name can sound alarming, but it does not mean that anyone made a mistake. It simply describes pain that
continues after surgery, whatever the reason. The same problem can follow neck surgery, where the pain spreads
into the shoulders and arms.</p>
""",
        "symptoms": """
<ul>
<li>A dull, aching pain in the low back that may spread into the buttocks and legs, much like sciatica</li>
<li>After neck surgery, pain that travels to the shoulders and down the arms</li>
<li>Numbness, tingling or a pins-and-needles feeling in the legs or arms</li>
<li>Burning or electric pain, a sign that a nerve is irritated</li>
<li>Pain that limits how long you can sit, stand, walk or sleep</li>
</ul>
""",
        "causes": """
<ul>
<li>Disc material left behind, or a new herniation at the same level, pressing on a nerve again</li>
<li>Scar tissue (fibrosis) forming around the nerve roots as the body heals</li>
<li>A part of the spine that moves too much or has become unstable</li>
<li>Extra strain on the joints above and below a spinal fusion, which can wear them out faster</li>
<li>Lasting damage to a nerve, which leaves it over-sensitive so that it keeps sending pain signals</li>
</ul>
""",
        "diagnosis": """
<p>Finding the cause starts with a detailed talk about your surgery and your symptoms before and after it,
and a physical exam that checks the strength, reflexes and feeling in your legs or arms.</p>
<p>Scans show what has changed in your spine. X-rays show how the bones and any hardware have healed and
whether a segment moves too much. An MRI, often with contrast dye, helps tell a new disc herniation apart from
scar tissue. A CT scan helps when metal implants make an MRI hard to read. Sometimes a small numbing injection
is used to confirm which nerve or joint is causing the pain.</p>
""",
        "treatment_notes": """
<p>The best treatment depends on the cause. When scans show a problem that surgery can fix, a second
operation may help. When they do not, injections, rehabilitation and nerve stimulation can reduce pain and
help you do more. Most people do best with a plan that combines several of these.</p>
""",
        "when_to_see_doctor": """
<p>Make an appointment if back or leg pain is still there three months after surgery, if it comes back after a
time of relief, or if it keeps you from working, sleeping or doing everyday tasks. Tell your doctor about any
new numbness or tingling, even if it is mild.</p>
""",
        "urgent_warning": """
<ul>
<li>New trouble controlling your bladder or bowels, or being unable to pass urine</li>
<li>Numbness in the groin, genitals, inner thighs or buttocks (the "saddle" area)</li>
<li>Fever or chills with back pain in the weeks after surgery, or a wound that is red, swollen or leaking</li>
<li>Sudden weakness in one or both legs, or a foot that drags or slaps when you walk</li>
</ul>
""",
        "treatments": [
            {
                "treatment": "revision-spine-surgery",
                "note": (
                    "When scans show leftover or new disc material, or scar tissue, pressing on a nerve and it can "
                    "be safely corrected, another operation can remove the cause of the pain."
                ),
            },
            {
                "treatment": "epidural-steroid-injection",
                "note": "Can calm an irritated nerve root and ease leg pain, including pain linked to scar tissue.",
            },
            {
                "treatment": "facet-joint-injection",
                "note": (
                    "Helps when the small joints near the operated level, or above and below a fusion, are the "
                    "source of back pain."
                ),
            },
            {
                "treatment": "spinal-cord-stimulation",
                "note": (
                    "For lasting nerve damage when more surgery is not an option. It is one of the most successful "
                    "long-term treatments for pain after back surgery."
                ),
            },
        ],
        "articles": [
            "interventional-pain-management-for-failed-back-surgery-syndrome",
            "scs-versus-conventional-medical-management-process-trial",
            "scs-versus-repeated-lumbosacral-spine-surgery",
        ],
    },
    {
        "slug": "lumbar-radiculopathy",
        "name": "Lumbar Radiculopathy",
        "alternate_names": ["Sciatica", "Pinched nerve in the lower back", "Lumbar radicular pain"],
        "body_region": "low-back",
        **_reviewed(date(2026, 1, 19)),
        "summary": (
            "Pain that shoots from the lower back down one leg, often with numbness or tingling. It happens when "
            "a nerve root in the lower spine is pinched. Most people get better within a few months without "
            "surgery."
        ),
        "overview": """
<p>Lumbar radiculopathy happens when one of the nerve roots leaving the lower spine is squeezed or inflamed.
Many people know it as sciatica, because the pain follows the sciatic nerve from the buttock down the back of
the leg.</p>
<p>It is most common between the ages of 30 and 60. The good news is that most episodes settle on their own,
or with simple care, within 6 to 12 weeks.</p>
""",
        "symptoms": """
<ul>
<li>Sharp, burning or shooting pain from the low back or buttock down one leg, sometimes into the foot</li>
<li>Leg pain that is often worse than the back pain</li>
<li>Numbness, tingling or pins and needles in the leg or foot</li>
<li>Weakness in the leg or foot, such as trouble standing on your toes or heels</li>
<li>Pain that gets worse when you sit, cough or sneeze</li>
</ul>
""",
        "causes": """
<ul>
<li>A herniated (slipped or bulging) disc pressing on a nerve root</li>
<li>Narrowing of the openings where the nerves leave the spine, often from arthritis</li>
<li>Bone spurs from wear and tear in the spine</li>
<li>A vertebra that has slipped forward on the one below it (spondylolisthesis)</li>
<li>Less often, an infection, a cyst or a tumor pressing on the nerve</li>
</ul>
""",
        "diagnosis": """
<p>Your doctor will ask where the pain travels and test the strength, reflexes and feeling in your legs. In a
straight-leg raise test, the doctor gently lifts your leg while you lie down. If this brings on your leg pain,
a nerve root is likely irritated.</p>
<p>Most people do not need a scan in the first few weeks. An MRI is ordered if symptoms last more than about
six weeks, if your leg is weak, or if an injection or surgery is being considered. Nerve tests (EMG) can help
when the cause is unclear.</p>
""",
        "treatment_notes": """
<p>Most people start with staying active, physical therapy and medicine. If leg pain is still severe after
several weeks, an epidural steroid injection can help. Surgery is an option when pain does not improve or the
nerve is badly squeezed. Research shows that surgery brings faster relief, but many people who wait do about
as well after a year.</p>
""",
        "when_to_see_doctor": """
<p>See a doctor if leg pain lasts more than a week or two, keeps getting worse, or makes it hard to walk, work
or sleep. Also book a visit if you notice numbness or weakness in your leg or foot.</p>
""",
        "urgent_warning": """
<ul>
<li>New trouble controlling your bladder or bowels, or being unable to pass urine</li>
<li>Numbness in the groin, genitals, inner thighs or buttocks (the "saddle" area)</li>
<li>Leg weakness that gets worse quickly, or sciatica in both legs at once</li>
<li>Back pain with fever, or back pain in someone who has had cancer</li>
</ul>
""",
        "treatments": [
            {"treatment": "physical-therapy", "note": "Gentle exercise and staying active help most people recover."},
            {"treatment": "medication-management", "note": ""},
            {
                "treatment": "epidural-steroid-injection",
                "note": (
                    "Used when leg pain is severe or lasts more than a few weeks. It can ease pain for weeks to "
                    "months while the nerve heals."
                ),
            },
            {
                "treatment": "decompression-surgery",
                "note": (
                    "A microdiscectomy removes the part of the disc pressing on the nerve. It is considered when "
                    "leg pain does not improve after 6 to 12 weeks, or sooner if the leg is getting weak."
                ),
            },
        ],
        "articles": [
            "sport-lumbar-disk-herniation-randomized-trial",
            "surgery-versus-prolonged-conservative-treatment-for-sciatica",
        ],
    },
    {
        "slug": "cervical-radiculopathy",
        "name": "Cervical Radiculopathy",
        "alternate_names": ["Pinched nerve in the neck", "Cervical radicular pain"],
        "body_region": "neck",
        **_reviewed(date(2026, 1, 26)),
        "summary": (
            "Pain that spreads from the neck into the shoulder and arm, often with numbness or weakness. It "
            "happens when a nerve in the neck is pinched. Most people get better without surgery."
        ),
        "overview": """
<p>Cervical radiculopathy is what doctors call a pinched nerve in the neck. One of the nerve roots that leaves
the spine between the neck bones gets squeezed or inflamed. Pain, tingling or weakness then spreads along
that nerve into the shoulder, arm and hand.</p>
<p>It is most common in people in their 50s. Most people improve over weeks to months with care that does not
involve surgery.</p>
""",
        "symptoms": """
<ul>
<li>Sharp or burning pain that travels from the neck to the shoulder blade, arm or hand</li>
<li>Numbness or tingling in part of the arm or in certain fingers</li>
<li>Weakness in the arm or hand, such as a weak grip or dropping things</li>
<li>Pain that gets worse when you turn your head or look up</li>
<li>Relief when you rest your hand on top of your head</li>
</ul>
""",
        "causes": """
<ul>
<li>A herniated disc in the neck pressing on a nerve root</li>
<li>Bone spurs and thickened joints from age-related wear (cervical spondylosis)</li>
<li>Narrowing of the openings where the nerves leave the spine</li>
<li>Less often, an injury, an infection or a growth</li>
</ul>
""",
        "diagnosis": """
<p>Your doctor will ask where your symptoms travel and test the strength, reflexes and feeling in your arms.
Certain neck movements that bring on arm pain point to a pinched nerve.</p>
<p>An MRI shows the discs and nerves. It is used if symptoms last, if you have weakness, or before an
injection or surgery. Nerve tests (EMG) can help tell a pinched nerve in the neck apart from a nerve problem in
the arm, such as carpal tunnel syndrome.</p>
""",
        "treatment_notes": """
<p>Most people do well with physical therapy, medicine and time. An epidural steroid injection can calm a
swollen nerve when pain is severe. Surgery is kept for pain that will not settle, weakness that is getting
worse, or pressure on the spinal cord.</p>
""",
        "when_to_see_doctor": """
<p>See a doctor if neck and arm pain lasts more than a couple of weeks, keeps you awake at night, or comes with
numbness or weakness in your arm or hand.</p>
""",
        "urgent_warning": """
<ul>
<li>Weakness or clumsiness in both hands, or trouble with buttons or handwriting that is getting worse</li>
<li>Trouble walking or keeping your balance</li>
<li>New trouble controlling your bladder or bowels</li>
<li>Neck pain with fever, or after a fall or a car accident</li>
</ul>
""",
        "treatments": [
            {"treatment": "physical-therapy", "note": ""},
            {"treatment": "medication-management", "note": ""},
            {
                "treatment": "epidural-steroid-injection",
                "note": "A cervical epidural injection can ease arm pain that is severe or slow to settle.",
            },
        ],
        "articles": ["cervical-radiculopathy-clinical-practice-review"],
    },
    {
        "slug": "lumbar-spinal-stenosis",
        "name": "Lumbar Spinal Stenosis",
        "alternate_names": ["Spinal stenosis", "Lumbar canal stenosis"],
        "body_region": "low-back",
        **_reviewed(date(2026, 2, 2)),
        "summary": (
            "A narrowing of the spinal canal in the lower back that squeezes the nerves. It often causes leg pain "
            "or heaviness when you walk or stand, which gets better when you sit or bend forward."
        ),
        "overview": """
<p>The spinal canal is the tunnel inside your backbone that protects the nerves. In lumbar spinal stenosis,
this tunnel slowly narrows in the lower back and crowds the nerves inside it.</p>
<p>It mostly affects people over 50 and is one of the most common reasons older adults have back surgery.
Symptoms often come and go for years, and many people manage well without an operation.</p>
""",
        "symptoms": """
<ul>
<li>Pain, cramping, heaviness or tiredness in the buttocks and legs when you walk or stand</li>
<li>Relief when you sit down or lean forward, for example on a shopping cart</li>
<li>Numbness or tingling in the legs or feet</li>
<li>Low back pain, which may be mild compared with the leg symptoms</li>
<li>Being able to walk shorter distances than before</li>
</ul>
""",
        "causes": """
<ul>
<li>Age-related wear and tear (arthritis) of the spine</li>
<li>Bulging discs that push into the canal</li>
<li>Thickened ligaments inside the spinal canal</li>
<li>Bone spurs growing from the small joints of the spine</li>
<li>A vertebra slipping forward on the one below it (degenerative spondylolisthesis)</li>
</ul>
""",
        "diagnosis": """
<p>Leg symptoms that come on with walking and ease with sitting are a strong clue. Your doctor will examine
your back and legs and check the pulses in your feet, because poor blood flow to the legs can cause similar
pain when walking.</p>
<p>An MRI shows how narrow the canal is and which nerves are crowded. If you cannot have an MRI, a CT scan is
used, sometimes with contrast dye (a CT myelogram).</p>
""",
        "treatment_notes": """
<p>Treatment starts with exercise and physical therapy, such as bending-forward exercises, walking programs
and cycling. Medicines and injections can help during flare-ups. Decompression surgery is an option when
symptoms keep you from walking or doing daily activities. Research shows that both surgery and physical
therapy can lead to real improvement, so the choice depends on how much your symptoms limit you and on your
own goals.</p>
""",
        "when_to_see_doctor": """
<p>See a doctor if leg pain or heaviness limits how far you can walk, if you often need to stop and sit, or if
you have numbness or weakness in your legs.</p>
""",
        "urgent_warning": _CAUDA_EQUINA_WARNING,
        "treatments": [
            {
                "treatment": "physical-therapy",
                "note": "A first step for most people. It can improve walking distance, strength and balance.",
            },
            {"treatment": "medication-management", "note": ""},
            {
                "treatment": "epidural-steroid-injection",
                "note": (
                    "May ease leg pain for a while, but a large trial found that the steroid added little benefit "
                    "in spinal stenosis. We will talk through whether it is worth trying."
                ),
            },
            {
                "treatment": "decompression-surgery",
                "note": (
                    "A laminectomy widens the canal to free the nerves. It is considered when symptoms keep getting "
                    "in the way of walking and daily life."
                ),
            },
        ],
        "articles": [
            "sport-surgical-versus-nonsurgical-therapy-for-lumbar-spinal-stenosis",
            "surgery-versus-nonsurgical-treatment-of-lumbar-spinal-stenosis",
            "epidural-glucocorticoid-injections-for-spinal-stenosis",
        ],
    },
    {
        "slug": "facet-joint-syndrome",
        "name": "Facet Joint Syndrome",
        "alternate_names": ["Facet joint pain", "Facet arthropathy", "Zygapophyseal joint pain"],
        "body_region": "low-back",
        **_reviewed(date(2026, 2, 9)),
        "summary": (
            "Back or neck pain that comes from the small joints linking the bones of the spine. It is often "
            "caused by arthritis and tends to feel worse when you lean back or twist."
        ),
        "overview": """
<p>Each bone in your spine is linked to the ones above and below it by a pair of small joints called facet
joints. They guide and limit how your back bends and twists. Like other joints, they can wear down, become
inflamed and cause pain.</p>
<p>Facet joint pain is a common cause of long-lasting low back pain, especially in older adults. It can also
happen in the neck.</p>
""",
        "symptoms": """
<ul>
<li>Aching pain on one or both sides of the low back</li>
<li>Pain that may spread to the buttocks or upper thighs, but rarely below the knee</li>
<li>Pain that is worse when you lean backward, twist or stand for a long time</li>
<li>Stiffness, especially in the morning or after sitting</li>
<li>In the neck, pain that spreads to the shoulders or upper back, or headaches at the back of the head</li>
</ul>
""",
        "causes": """
<ul>
<li>Age-related arthritis of the facet joints</li>
<li>An injury, such as a fall or a car accident (whiplash in the neck)</li>
<li>Repeated strain from lifting, twisting or sports</li>
<li>Extra load on the joints next to an earlier spinal fusion</li>
</ul>
""",
        "diagnosis": """
<p>No single exam finding or scan proves that a facet joint is the source of pain. X-rays, CT or MRI may show
arthritis, but many people with arthritis on their scans have no pain at all.</p>
<p>The most reliable test is a medial branch block. A small amount of numbing medicine is placed next to the
tiny nerves that carry pain from the joint. If your usual pain eases for several hours, the joint is likely
the cause.</p>
""",
        "treatment_notes": """
<p>Exercise and physical therapy to strengthen the core and improve posture come first. When numbing blocks
confirm the facet joints as the source, radiofrequency ablation can give longer relief. Results vary from
person to person, so it works best as part of a wider plan that keeps you active.</p>
""",
        "when_to_see_doctor": """
<p>See a doctor if back or neck pain lasts more than six weeks, keeps coming back, or makes it hard to work,
sleep or exercise.</p>
""",
        "urgent_warning": "",
        "treatments": [
            {"treatment": "physical-therapy", "note": ""},
            {
                "treatment": "facet-joint-injection",
                "note": "Medial branch blocks confirm whether the facet joints are the source of pain before ablation.",
            },
            {
                "treatment": "radiofrequency-ablation",
                "note": (
                    "For pain confirmed by numbing blocks. When it works, relief often lasts 6 to 12 months and the "
                    "treatment can be repeated."
                ),
            },
            {"treatment": "cognitive-behavioral-therapy", "note": ""},
        ],
        "articles": [
            "radiofrequency-denervation-for-chronic-low-back-pain-mint-trials",
            "psychological-therapies-for-chronic-pain-in-adults-cochrane-review",
        ],
    },
    {
        "slug": "sacroiliac-joint-dysfunction",
        "name": "Sacroiliac Joint Dysfunction",
        "alternate_names": ["Sacroiliac joint pain", "SI joint dysfunction", "Sacroiliitis"],
        "body_region": "hip-pelvis",
        **_reviewed(date(2026, 2, 16)),
        "summary": (
            "Pain in the low back and buttock that comes from the joint where the spine meets the pelvis. It "
            "often hurts on one side and can spread to the hip, groin or thigh."
        ),
        "overview": """
<p>The sacroiliac (SI) joints sit on each side of the base of the spine, where the sacrum meets the pelvis.
They are strong joints that move only a little, and they pass the weight of your upper body down to your
legs.</p>
<p>When an SI joint moves too much, too little, or becomes inflamed, it can cause pain that is easy to mistake
for a disc or hip problem. It is a common and often overlooked cause of long-lasting low back pain.</p>
""",
        "symptoms": """
<ul>
<li>Pain on one side of the low back or buttock, below the belt line</li>
<li>Pain that may spread to the hip, groin or back of the thigh</li>
<li>Pain when you stand up from a chair, climb stairs or roll over in bed</li>
<li>Pain when you stand on one leg or sit for a long time</li>
<li>A feeling that the leg is unsteady or may give way</li>
</ul>
""",
        "causes": """
<ul>
<li>Arthritis and wear of the joint with age</li>
<li>An injury, such as a fall onto the buttocks or a car accident</li>
<li>Pregnancy and childbirth, when hormones loosen the ligaments</li>
<li>Walking unevenly, for example because one leg is longer than the other</li>
<li>An earlier lumbar fusion, which puts more load on the SI joints</li>
<li>Inflammatory arthritis, such as ankylosing spondylitis</li>
</ul>
""",
        "diagnosis": """
<p>Your doctor will ask you to point to where it hurts and will do several tests that gently stress the SI
joint. When three or more of these tests bring on your usual pain, the joint is a likely source.</p>
<p>X-rays or an MRI can rule out other problems and show inflammation. A numbing injection into the joint,
guided by X-ray, is the best way to confirm the diagnosis.</p>
""",
        "treatment_notes": """
<p>Physical therapy to strengthen the hips and core, and sometimes a pelvic support belt, are the first steps.
An SI joint injection can both confirm the diagnosis and relieve pain. If the pain returns, radiofrequency
ablation of the nerves to the joint may give longer relief.</p>
""",
        "when_to_see_doctor": """
<p>See a doctor if buttock or low back pain lasts more than a few weeks, keeps you awake, or makes walking,
sitting or climbing stairs hard.</p>
""",
        "urgent_warning": "",
        "treatments": [
            {"treatment": "physical-therapy", "note": ""},
            {
                "treatment": "sacroiliac-joint-injection",
                "note": "Confirms that the joint is the source of pain and can ease it for weeks to months.",
            },
            {
                "treatment": "radiofrequency-ablation",
                "note": "An option when injections help but the relief does not last.",
            },
        ],
        "articles": ["radiofrequency-denervation-for-chronic-low-back-pain-mint-trials"],
    },
    {
        "slug": "complex-regional-pain-syndrome",
        "name": "Complex Regional Pain Syndrome",
        "alternate_names": ["CRPS", "Reflex sympathetic dystrophy (RSD)", "Causalgia"],
        "body_region": "whole-body",
        **_reviewed(date(2026, 2, 23)),
        "summary": (
            "A long-lasting pain condition, usually in an arm or leg, that starts after an injury or surgery. The "
            "pain is far stronger than the injury and often comes with swelling, skin changes and stiffness."
        ),
        "overview": """
<p>Complex regional pain syndrome (CRPS) is a condition in which the nervous system overreacts after an injury,
such as a broken wrist, a sprain or an operation. Instead of fading as the injury heals, the pain grows
stronger and can spread.</p>
<p>CRPS most often affects one hand, arm, foot or leg. Type 1 follows an injury without clear nerve damage;
type 2 follows damage to a specific nerve. Early diagnosis and treatment give the best chance of
improvement.</p>
""",
        "symptoms": """
<ul>
<li>Burning, throbbing or stabbing pain that is much worse than expected from the injury</li>
<li>Pain from a light touch, clothing or even a breeze on the skin</li>
<li>Swelling, and changes in skin color or temperature compared with the other side</li>
<li>Changes in sweating, or in how hair and nails grow</li>
<li>Stiff joints, weakness, shaking or trouble moving the limb</li>
</ul>
""",
        "causes": """
<ul>
<li>A fracture, sprain, crush injury or operation, often on the hand, wrist or foot</li>
<li>Keeping a limb still for a long time, for example in a cast</li>
<li>An injury to a specific nerve (CRPS type 2)</li>
<li>Changes in how the nerves, blood vessels and immune system respond after an injury; the exact cause is
still being studied</li>
</ul>
""",
        "diagnosis": """
<p>There is no single test for CRPS. Doctors use a set of clinical rules called the Budapest criteria. These
look for ongoing pain that is out of proportion to the injury, together with changes in feeling, skin color or
temperature, swelling or sweating, and movement or growth of skin, hair and nails.</p>
<p>X-rays, bone scans and nerve tests help rule out other problems and support the diagnosis.</p>
""",
        "treatment_notes": """
<p>Treatment works best when it starts early and brings several approaches together. Keeping the limb moving
with physical and occupational therapy is the foundation. Medicine and psychological support make that therapy
possible. For pain that does not respond, spinal cord or dorsal root ganglion stimulation can bring lasting
relief.</p>
""",
        "when_to_see_doctor": """
<p>See a doctor if pain after an injury or surgery is getting worse instead of better, or if you notice
swelling, changes in color or temperature, or skin that becomes very sensitive to touch. Do not wait: early
treatment matters.</p>
""",
        "urgent_warning": """
<ul>
<li>Severe pain under a cast that feels too tight, or fingers or toes that turn pale, blue, cold or numb</li>
<li>A limb that becomes hot, red and swollen with fever</li>
</ul>
""",
        "treatments": [
            {
                "treatment": "physical-therapy",
                "note": "Gentle, graded movement and desensitization, started early, is the most important treatment.",
            },
            {"treatment": "medication-management", "note": ""},
            {"treatment": "cognitive-behavioral-therapy", "note": ""},
            {
                "treatment": "spinal-cord-stimulation",
                "note": "For CRPS that has not improved with therapy and medicine.",
            },
            {
                "treatment": "dorsal-root-ganglion-stimulation",
                "note": "Can target pain in a foot, knee or groin more precisely than spinal cord stimulation.",
            },
        ],
        "articles": [
            "validation-of-the-budapest-criteria-for-crps",
            "spinal-cord-stimulation-in-chronic-reflex-sympathetic-dystrophy",
            "drg-stimulation-versus-scs-for-crps-accurate-trial",
        ],
    },
    {
        "slug": "diabetic-peripheral-neuropathy",
        "name": "Diabetic Peripheral Neuropathy",
        "alternate_names": ["Painful diabetic neuropathy", "Diabetic nerve pain"],
        "body_region": "leg-foot",
        **_reviewed(date(2026, 3, 2)),
        "summary": (
            "Nerve damage caused by diabetes, usually starting in the feet. It can cause burning pain, tingling or "
            "numbness. Good blood sugar control and the right treatment can ease pain and protect your feet."
        ),
        "overview": """
<p>Over time, high blood sugar can damage the long nerves that reach the feet and hands. This is called
diabetic peripheral neuropathy. It usually starts in the toes and feet and slowly moves up the legs; later it
may affect the hands.</p>
<p>Up to half of people with diabetes develop some nerve damage, and many of them have pain. Others mainly lose
feeling, which raises the risk of foot injuries that go unnoticed.</p>
""",
        "symptoms": """
<ul>
<li>Burning, stabbing or electric pain in the feet and legs, often worse at night</li>
<li>Tingling or pins and needles</li>
<li>Numbness, or a feeling that you are wearing socks when you are not</li>
<li>Pain from a light touch, such as bed sheets</li>
<li>Poor balance and unsteadiness when walking</li>
<li>Sores on the feet that you may not feel</li>
</ul>
""",
        "causes": """
<ul>
<li>High blood sugar over many years, which damages nerves and the small blood vessels that feed them</li>
<li>Having diabetes for a long time</li>
<li>High blood pressure, high cholesterol, smoking and heavy drinking, which add to nerve damage</li>
<li>Low vitamin B12, which long-term metformin use can cause and which can worsen nerve damage</li>
</ul>
""",
        "diagnosis": """
<p>Your doctor will ask about your symptoms and check your feet for feeling, reflexes, vibration sense and skin
problems. A thin nylon thread (monofilament) pressed on the sole tests whether you have protective
feeling.</p>
<p>Blood tests check your blood sugar control (A1C), vitamin B12, thyroid and kidney function to rule out other
causes. Nerve conduction studies are sometimes used when the diagnosis is unclear.</p>
""",
        "treatment_notes": """
<p>Keeping your blood sugar in your target range helps slow further nerve damage. For pain, several medicines
are proven to help, and your doctor will start with those that suit your health. Daily foot checks and good
footwear protect numb feet. When medicine does not give enough relief, spinal cord stimulation is an
option.</p>
""",
        "when_to_see_doctor": """
<p>See a doctor if you have burning, tingling or numbness in your feet or hands, if pain keeps you from
sleeping, or if you find a cut, blister or sore on your foot that is not healing.</p>
""",
        "urgent_warning": """
<ul>
<li>A foot wound that is red, hot, swollen, draining or smells bad, especially with fever</li>
<li>A foot that suddenly becomes red, hot and swollen, even if it does not hurt</li>
<li>A toe or part of the foot turning dark, blue or black</li>
</ul>
""",
        "treatments": [
            {
                "treatment": "medication-management",
                "note": (
                    "Duloxetine, pregabalin, gabapentin or amitriptyline are the usual first choices for nerve pain."
                ),
            },
            {"treatment": "physical-therapy", "note": "Balance and strength training lower the risk of falls."},
            {
                "treatment": "spinal-cord-stimulation",
                "note": (
                    "For nerve pain that medicine has not controlled. High-frequency stimulation has shown strong "
                    "results in a randomized trial."
                ),
            },
            {"treatment": "cognitive-behavioral-therapy", "note": ""},
        ],
        "articles": [
            "pharmacotherapy-for-neuropathic-pain-in-adults",
            "high-frequency-scs-for-painful-diabetic-neuropathy",
        ],
    },
    {
        "slug": "knee-osteoarthritis",
        "name": "Knee Osteoarthritis",
        "alternate_names": ["Degenerative arthritis of the knee", "Wear-and-tear arthritis of the knee"],
        "body_region": "leg-foot",
        **_reviewed(date(2026, 3, 9)),
        "summary": (
            "Wearing down of the cartilage that cushions the knee joint. It causes pain, stiffness and swelling, "
            "mostly in people over 50. Exercise, weight control and other treatments can ease pain and keep you "
            "moving."
        ),
        "overview": """
<p>In knee osteoarthritis, the smooth cartilage that covers the ends of the bones in the knee slowly thins
and roughens. The bone underneath reacts, the joint lining can swell, and bony spurs may form. The result is
pain and stiffness that often build over years.</p>
<p>It is one of the most common causes of knee pain and disability in older adults. Many treatments can reduce
pain and delay or avoid the need for a knee replacement.</p>
""",
        "symptoms": """
<ul>
<li>Knee pain that is worse with walking, stairs or getting up from a chair</li>
<li>Stiffness in the morning or after sitting that eases within about half an hour</li>
<li>Swelling or a feeling of warmth in the knee</li>
<li>Grinding, clicking or creaking when you move</li>
<li>A knee that feels weak, gives way or will not fully straighten</li>
</ul>
""",
        "causes": """
<ul>
<li>Age-related wear of the joint</li>
<li>Extra body weight, which adds load with every step</li>
<li>A past knee injury, such as a torn meniscus or ligament</li>
<li>Jobs or sports with a lot of kneeling, squatting or heavy lifting</li>
<li>Family history and the natural alignment of your legs</li>
</ul>
""",
        "diagnosis": """
<p>Your doctor will ask about your pain and examine the knee for swelling, tenderness, range of motion and
stability. X-rays taken while you stand show narrowing of the joint space and bone spurs.</p>
<p>Blood tests, or removing a little fluid from the knee, are sometimes used to rule out gout, infection or
other kinds of arthritis. An MRI is rarely needed.</p>
""",
        "treatment_notes": """
<p>Exercise and physical therapy are the foundation of treatment. Weight loss, pain medicines and gels rubbed
on the knee help too. For lasting pain in people who are not ready for, or cannot have, a knee replacement,
radiofrequency ablation of the nerves around the knee can reduce pain for months.</p>
""",
        "when_to_see_doctor": """
<p>See a doctor if knee pain lasts more than a few weeks, limits your walking or sleep, or if the knee often
swells or gives way.</p>
""",
        "urgent_warning": """
<ul>
<li>A hot, red, very swollen knee, especially with fever</li>
<li>Being unable to put weight on the leg after a fall or injury</li>
<li>Pain and swelling in the calf of the same leg</li>
</ul>
""",
        "treatments": [
            {
                "treatment": "physical-therapy",
                "note": (
                    "In a randomized trial, people who had physical therapy had less pain and better function after "
                    "one year than those who had steroid injections."
                ),
            },
            {"treatment": "medication-management", "note": ""},
            {
                "treatment": "radiofrequency-ablation",
                "note": (
                    "Treating the genicular nerves around the knee is an option for pain that lasts despite "
                    "exercise and medicine."
                ),
            },
        ],
        "articles": [
            "physical-therapy-versus-glucocorticoid-injection-for-knee-osteoarthritis",
            "psychological-therapies-for-chronic-pain-in-adults-cochrane-review",
        ],
    },
    # A draft, to show the editorial workflow: not on the public site until a medical reviewer publishes it.
    {
        "slug": "occipital-neuralgia",
        "name": "Occipital Neuralgia",
        "status": "draft",
        "alternate_names": ["Arnold's neuralgia"],
        "body_region": "head-face",
        "summary": (
            "Sharp, shooting or electric pain at the back of the head and upper neck, caused by irritated "
            "occipital nerves. It can be mistaken for migraine."
        ),
        "overview": """
<p>The occipital nerves run from the top of the neck up through the scalp at the back of the head. When they
are irritated or squeezed, they can cause brief but intense bursts of pain. This is called occipital
neuralgia.</p>
""",
        "symptoms": """
<ul>
<li>Sudden shooting, stabbing or electric pain at the base of the skull, often on one side</li>
<li>Aching or throbbing between the attacks</li>
<li>A tender scalp, so that brushing hair or lying on a pillow hurts</li>
<li>Pain behind the eye on the same side</li>
</ul>
""",
        "causes": """
<ul>
<li>Tight neck muscles pressing on the nerves</li>
<li>Arthritis in the upper neck</li>
<li>A neck injury, such as whiplash</li>
<li>Often no clear cause is found</li>
</ul>
""",
        "diagnosis": """
<p>The diagnosis is based on your symptoms and an exam. Pressing over the nerves at the back of the head often
brings on the pain. If numbing the nerve with a small injection stops the pain, that supports the
diagnosis.</p>
""",
        "treatment_notes": "",
        "when_to_see_doctor": """
<p>See a doctor if you have repeated bursts of pain at the back of the head or headaches that keep coming
back.</p>
""",
        "urgent_warning": """
<ul>
<li>A sudden, severe headache, the worst you have ever had</li>
<li>Headache with fever and a stiff neck</li>
<li>Headache with new weakness, confusion, trouble speaking or loss of vision</li>
</ul>
""",
        "treatments": [
            {"treatment": "medication-management", "note": ""},
            {"treatment": "physical-therapy", "note": ""},
        ],
        "articles": [],
    },
]
