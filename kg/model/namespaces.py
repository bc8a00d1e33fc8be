"""The only place ontology IRIs are spelled. Plain strings, so the hot path needs no rdflib.

`EKG_TERMS` is the closed list of ontology terms; `term()` refuses any other name, and a test checks
that this list and ontology/exportkg.ttl agree.
"""

from __future__ import annotations

EKG = "https://w3id.org/exportkg/ont#"
EKGR = "https://w3id.org/exportkg/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
SH = "http://www.w3.org/ns/shacl#"
WD = "http://www.wikidata.org/entity/"
DCAT = "http://www.w3.org/ns/dcat#"  # the dataset description (data/dataset.ttl)
FOAF = "http://xmlns.com/foaf/0.1/"
VOID = "http://rdfs.org/ns/void#"

PREFIXES: dict[str, str] = {
    "ekg": EKG, "ekgr": EKGR, "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS,
    "dcterms": DCTERMS, "prov": PROV, "schema": SCHEMA, "sh": SH, "wd": WD,
}

CLASSES = frozenset({
    "LegalResource", "LegalInstrument", "Law", "AdministrativeRegulation", "Announcement",
    "TechnologyCatalogue", "ControlList", "EntityListing", "LicensingDecision", "Provision",
    "Organization", "Authority", "StatusEvent", "Publication", "EntryIntoForce", "Suspension",
    "SuspensionEnd", "Amendment", "Incorporation", "Supersession", "Repeal", "Expiry", "Milestone",
    "DestinationScope", "Country", "EndUseScope", "MeasureKind", "ConfidenceGrade", "ControlledItem",
    "DependencyNode", "SupplyChainNode", "Material", "ProcessedForm", "Component", "Product", "Sector",
    "Technology", "Equipment", "Firm", "JointVenture", "Project", "TechnologyLicence", "Quantity",
    "Share", "SupplyStage", "SourceDocument", "Assertion", "DependencyStatement",
    "MaterialFamily", "FormKind", "UseShare", "Lifting", "Jurisdiction", "CountryGroup", "ResponseStatement",
})

PROPERTIES = frozenset({
    "issuedBy", "issued", "hasProvision", "provisionOf", "implements", "implementedBy", "amends",
    "amendedBy", "supersedes", "supersededBy", "suspends", "suspendedBy", "measureKind", "destination",
    "endUse", "targetsEntity", "targetedBy", "hasEvent", "eventOf", "onDate", "until", "causedBy",
    "into", "statusVerifiedThrough", "officialNumber", "officialUrl", "hasItem", "itemOf", "hasSubItem",
    "subItemOf", "concerns", "concernedBy", "customsCode", "tariffLine", "hsCode", "controlCode",
    "catalogueCode", "specification", "feedsInto", "dependsOn", "processedInto", "processedFrom",
    "componentOf", "hasComponent", "usedIn", "uses", "enables", "enabledBy", "belongsToSector",
    "sectorOf", "producedBy", "produces", "byproductOf", "yieldsByproduct", "reliesOn", "reliedOnBy",
    "operatedBy", "operates", "partner", "partnerIn", "locatedIn", "makes", "madeBy", "projectStatus",
    "statusDate", "city", "capacity", "licensor", "licensee", "licensedTechnology", "forProject",
    "agreementDate", "symbol", "isoCode", "ofNode", "stage", "ofCountry", "percent", "referenceYear",
    "confidence", "unconfirmed", "uncertaintyNote", "rationale", "rank", "citesOfficialUrl",
    "jurisdiction", "respondsTo", "answeredBy", "groupMember", "memberOfGroup", "lastSearched", "eccn",
    "euDualUseCode", "japanListItem", "inFamily", "familyMember", "formKind", "forUse",
})

EKG_TERMS = CLASSES | PROPERTIES

# Node classes of the dependency layer, in the order used for display (legend, tables).
NODE_TYPES = (
    "Material", "ProcessedForm", "Technology", "Equipment", "Component", "Product", "Sector",
    "Firm", "JointVenture", "Project",
)

STATUS_EVENT_TYPES = (
    "Publication", "EntryIntoForce", "Suspension", "SuspensionEnd", "Amendment", "Incorporation",
    "Supersession", "Repeal", "Lifting", "Expiry", "Milestone",
)

INSTRUMENT_TYPES = (
    "Law", "AdministrativeRegulation", "Announcement", "TechnologyCatalogue", "ControlList",
    "EntityListing", "LicensingDecision",
)

GRADES = ("A", "B", "C")


def term(name: str) -> str:
    """Full IRI of an ontology term; raises KeyError for a name the ontology does not declare."""
    if name not in EKG_TERMS:
        raise KeyError(f"ekg:{name} is not an ontology term")
    return EKG + name


def local_name(iri: str) -> str:
    """The part after the namespace (ekg:Material -> Material, ekgr:gallium -> gallium)."""
    for ns in (EKG, EKGR):
        if iri.startswith(ns):
            return iri[len(ns):]
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
