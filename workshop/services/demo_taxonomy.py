"""The demo classification of government services: life events and service domains."""

from __future__ import annotations

from ..taxonomy import Concept, Tree, build, make_concept
from ..taxonomy import changes as ch

SLUG = "gov-services"
NAME_AR = "دليل الخدمات الحكومية"
NAME_EN = "Government Services Directory"

# (id, Arabic, English, children)
Node = tuple[str, str, str, list["Node"]]


def leaves(*items: tuple[str, str, str]) -> list[Node]:
    return [(i, ar, en, []) for i, ar, en in items]


SERVICES: list[Node] = [
    (
        "personal-documents",
        "الهوية والوثائق الشخصية",
        "Identity and personal documents",
        leaves(
            ("civil-id", "البطاقة المدنية", "Civil ID"),
            ("passports", "جوازات السفر", "Passports"),
            ("birth-certificates", "شهادات الميلاد", "Birth certificates"),
            ("death-certificates", "شهادات الوفاة", "Death certificates"),
            ("nationality", "الجنسية", "Nationality"),
            ("address-registration", "تسجيل العنوان", "Address registration"),
            ("document-attestation", "تصديق المستندات", "Document attestation"),
        ),
    ),
    (
        "family",
        "الأسرة والشؤون الاجتماعية",
        "Family and social affairs",
        leaves(
            ("marriage", "الزواج", "Marriage"),
            ("divorce-custody", "الطلاق والحضانة", "Divorce and custody"),
            ("child-allowance", "علاوة الأولاد", "Child allowance"),
            ("social-assistance", "المساعدات الاجتماعية", "Social assistance"),
            ("elderly-care", "رعاية المسنين", "Elderly care"),
            ("disability-services", "خدمات ذوي الإعاقة", "Disability services"),
            ("family-counselling", "الإرشاد الأسري", "Family counselling"),
        ),
    ),
    (
        "health",
        "الصحة",
        "Health",
        [
            (
                "hospitals",
                "المستشفيات",
                "Hospitals",
                leaves(
                    ("hospital-appointments", "مواعيد المستشفيات", "Hospital appointments"),
                    ("medical-reports", "التقارير الطبية", "Medical reports"),
                ),
            ),
            *leaves(
                ("primary-care", "الرعاية الصحية الأولية", "Primary health care"),
                ("treatment-abroad", "العلاج بالخارج", "Medical treatment abroad"),
                ("health-insurance", "التأمين الصحي", "Health insurance"),
                ("vaccinations", "التطعيمات", "Vaccinations"),
                ("medical-licences", "التراخيص الطبية", "Medical licences"),
                ("pharmacies", "الصيدليات والأدوية", "Pharmacies and medicines"),
            ),
        ],
    ),
    (
        "education",
        "التعليم",
        "Education",
        [
            *leaves(
                ("school-registration", "التسجيل في المدارس", "School registration"),
                ("exam-results", "نتائج الامتحانات", "Exam results"),
            ),
            (
                "scholarships",
                "البعثات الدراسية",
                "Scholarships",
                leaves(
                    ("internal-scholarships", "البعثات الداخلية", "Internal scholarships"),
                    ("external-scholarships", "البعثات الخارجية", "External scholarships"),
                ),
            ),
            *leaves(
                ("higher-education", "التعليم العالي", "Higher education"),
                ("certificate-equivalency", "معادلة الشهادات", "Certificate equivalency"),
                ("private-schools", "المدارس الخاصة", "Private schools"),
                ("adult-education", "تعليم الكبار", "Adult education"),
            ),
        ],
    ),
    (
        "housing",
        "الإسكان",
        "Housing",
        leaves(
            ("housing-applications", "طلبات الرعاية السكنية", "Housing welfare applications"),
            ("housing-loans", "القروض الإسكانية", "Housing loans"),
            ("rent-allowance", "بدل الإيجار", "Rent allowance"),
            ("building-permits", "تراخيص البناء", "Building permits"),
            ("property-registration", "تسجيل العقارات", "Property registration"),
            ("utilities-connection", "توصيل الكهرباء والماء", "Electricity and water connection"),
            ("housing-maintenance", "صيانة المساكن", "Housing maintenance"),
        ),
    ),
    (
        "work",
        "العمل والتوظيف",
        "Work and employment",
        leaves(
            ("job-seeking", "البحث عن عمل", "Job seeking"),
            ("work-permits", "أذونات العمل", "Work permits"),
            ("government-jobs", "الوظائف الحكومية", "Government jobs"),
            ("labour-disputes", "النزاعات العمالية", "Labour disputes"),
            ("national-labour-support", "دعم العمالة الوطنية", "National labour support"),
            ("vocational-training", "التدريب المهني", "Vocational training"),
            ("end-of-service", "مكافأة نهاية الخدمة", "End-of-service benefits"),
        ),
    ),
    (
        "business",
        "الأعمال والتجارة",
        "Business and trade",
        [
            ("company-registration", "تسجيل الشركات", "Company registration", []),
            (
                "commercial-licences",
                "التراخيص التجارية",
                "Commercial licences",
                leaves(
                    ("licence-issue", "إصدار ترخيص تجاري", "Issuing a commercial licence"),
                    ("licence-renewal", "تجديد ترخيص تجاري", "Renewing a commercial licence"),
                    (
                        "licence-cancellation",
                        "إلغاء ترخيص تجاري",
                        "Cancelling a commercial licence",
                    ),
                ),
            ),
            *leaves(
                ("trademarks", "العلامات التجارية", "Trademarks"),
                ("import-export", "الاستيراد والتصدير", "Import and export"),
                ("customs-clearance", "التخليص الجمركي", "Customs clearance"),
                ("sme-support", "دعم المشاريع الصغيرة والمتوسطة", "Small business support"),
                ("consumer-protection", "حماية المستهلك", "Consumer protection"),
            ),
        ],
    ),
    (
        "transport",
        "النقل والمرور",
        "Transport and traffic",
        leaves(
            ("driving-licences", "رخص القيادة", "Driving licences"),
            ("vehicle-registration", "تسجيل المركبات", "Vehicle registration"),
            ("traffic-violations", "المخالفات المرورية", "Traffic violations"),
            ("public-transport", "النقل العام", "Public transport"),
            ("civil-aviation", "الطيران المدني", "Civil aviation"),
            ("ports-shipping", "الموانئ والشحن", "Ports and shipping"),
            ("roads", "الطرق والأشغال العامة", "Roads and public works"),
        ),
    ),
    (
        "justice",
        "العدل والأمن",
        "Justice and security",
        leaves(
            ("courts", "المحاكم والقضايا", "Courts and cases"),
            ("notarisation", "التوثيق والوكالات", "Notarisation and powers of attorney"),
            ("good-conduct", "شهادة حسن السيرة والسلوك", "Good conduct certificates"),
            ("reporting-crimes", "الإبلاغ عن الجرائم", "Reporting crimes"),
            ("civil-defence", "الدفاع المدني", "Civil defence"),
            ("fire-safety", "السلامة من الحرائق", "Fire safety"),
            ("anti-corruption", "مكافحة الفساد", "Anti-corruption"),
        ),
    ),
    (
        "finance",
        "المالية والمدفوعات",
        "Finance and payments",
        leaves(
            ("government-payments", "المدفوعات الحكومية", "Government payments"),
            ("zakat", "الزكاة", "Zakat"),
            ("pensions", "المعاشات التقاعدية", "Pensions"),
            ("social-security", "التأمينات الاجتماعية", "Social security contributions"),
            ("financial-grants", "المنح المالية", "Financial grants"),
            ("investment", "الاستثمار", "Investment"),
            ("financial-complaints", "الشكاوى المالية", "Financial complaints"),
        ),
    ),
    (
        "environment",
        "البيئة والزراعة",
        "Environment and agriculture",
        leaves(
            ("environmental-permits", "التصاريح البيئية", "Environmental permits"),
            ("agriculture-support", "دعم الزراعة", "Agriculture support"),
            ("fisheries", "الثروة السمكية", "Fisheries"),
            ("animal-health", "صحة الحيوان", "Animal health"),
            ("waste-management", "إدارة النفايات", "Waste management"),
            ("water-conservation", "ترشيد المياه", "Water conservation"),
            ("pollution-reports", "الإبلاغ عن التلوث", "Pollution reports"),
        ),
    ),
    (
        "culture",
        "الثقافة والرياضة والشباب",
        "Culture, sport and youth",
        leaves(
            ("cultural-events", "الفعاليات الثقافية", "Cultural events"),
            ("libraries", "المكتبات", "Libraries"),
            ("sport-clubs", "الأندية الرياضية", "Sport clubs"),
            ("youth-programmes", "برامج الشباب", "Youth programmes"),
            ("media-licences", "تراخيص الإعلام", "Media licences"),
            ("heritage", "التراث والمتاحف", "Heritage and museums"),
            ("awqaf", "الأوقاف والمساجد", "Awqaf and mosques"),
            ("hajj-umrah", "الحج والعمرة", "Hajj and Umrah"),
        ),
    ),
]

NOTES = {
    "civil-id": {
        "ar": "إصدار البطاقة المدنية وتجديدها وبدل الفاقد",
        "en": "Issuing, renewing and replacing the civil ID card",
    },
    "treatment-abroad": {
        "ar": "طلبات العلاج في الخارج على نفقة الدولة",
        "en": "Requests for treatment abroad at the state's expense",
    },
}


def version_1() -> Tree:
    concepts: list[Concept] = []

    def walk(nodes: list[Node], parent: str | None) -> None:
        for position, (concept_id, ar, en, kids) in enumerate(nodes):
            concepts.append(
                make_concept(
                    concept_id, {"ar": ar, "en": en}, NOTES.get(concept_id), parent, position
                )
            )
            walk(kids, concept_id)

    walk(SERVICES, None)
    return build(concepts)


def version_2_changes() -> list[ch.Change]:
    """A handful of changes, as a first workshop might agree them."""
    return [
        ch.add(
            "digital-identity",
            "personal-documents",
            1,
            {"ar": "الهوية الرقمية", "en": "Digital identity"},
        ),
        ch.relabel("primary-care", {"ar": "المراكز الصحية", "en": "Health centres"}),
        ch.Move("pensions", "work", 6),
        ch.Retire("adult-education", ch.ChildPolicy.PROMOTE, "vocational-training"),
        ch.add("remote-work", "work", 3, {"ar": "العمل عن بعد", "en": "Remote work"}),
    ]
