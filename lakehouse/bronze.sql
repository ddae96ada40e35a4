-- Bronze: everything as received, with lineage. Written only by ingest/.
-- Every statement is idempotent so any writer can run this file first.
CREATE SCHEMA IF NOT EXISTS bronze;
CREATE SCHEMA IF NOT EXISTS silver;
CREATE SCHEMA IF NOT EXISTS gold;

-- one row per file seen, every time it is seen (a re-seen file is a 'duplicate' row)
CREATE TABLE IF NOT EXISTS bronze.files (
    file_name   VARCHAR NOT NULL,   -- base name, for messages
    path        VARCHAR NOT NULL,   -- path as given on the command line / upload name
    sha256      VARCHAR,            -- null only when the file could not be read at all
    size_bytes  BIGINT,
    kind        VARCHAR NOT NULL,   -- 'return' | 'register' | 'boundaries' | 'contacts'
    status      VARCHAR NOT NULL,   -- 'loaded' | 'rejected' | 'duplicate'
    reason      VARCHAR,            -- null when loaded
    urn         INTEGER,            -- returns: the URN read, when one was read
    round       VARCHAR,            -- returns: the round read, when one was read
    ingested_at TIMESTAMP NOT NULL,
    batch_id    VARCHAR NOT NULL    -- one id per command run / upload
);

-- one row per problem found in a file
CREATE TABLE IF NOT EXISTS bronze.messages (
    sha256      VARCHAR,
    file_name   VARCHAR NOT NULL,
    severity    VARCHAR NOT NULL,   -- 'error' | 'warning'
    location    VARCHAR,            -- 'Policies!B4'; null for the whole file
    message     VARCHAR NOT NULL,
    ingested_at TIMESTAMP NOT NULL
);

-- one row per loaded return file (status 'loaded' in bronze.files); values parsed
-- by the tolerant reader, raw text kept beside them
CREATE TABLE IF NOT EXISTS bronze.returns (
    sha256           VARCHAR PRIMARY KEY,
    file_name        VARCHAR NOT NULL,
    ingested_at      TIMESTAMP NOT NULL,
    urn              INTEGER NOT NULL,
    round            VARCHAR NOT NULL,  -- canonical 'YYYY/YY'
    completed_on     DATE NOT NULL,
    school_name      VARCHAR,           -- as written by the school (the register wins)
    completed_by     VARCHAR,
    filtering        VARCHAR,           -- 'managed' | 'locked_down' | null (unreadable: warning)
    filtering_raw    VARCHAR,
    monitoring       VARCHAR,           -- ';'-joined keys from synonyms kind 'monitoring'
    monitoring_raw   VARCHAR,
    pupils_offsite   INTEGER,
    pupil_survey_pct DOUBLE,            -- 0..100, null when not given or unreadable
    return_version   INTEGER NOT NULL DEFAULT 1, -- 2 when the field says 2 or the sheet is there
    fm_sheet         BOOLEAN NOT NULL DEFAULT false -- a Filtering and monitoring sheet is present
);
-- databases made before return version 2
ALTER TABLE bronze.returns ADD COLUMN IF NOT EXISTS return_version INTEGER DEFAULT 1;
ALTER TABLE bronze.returns ADD COLUMN IF NOT EXISTS fm_sheet BOOLEAN DEFAULT false;

-- one row per indicator in seeds/indicators.csv per loaded return (missing rows: response null)
CREATE TABLE IF NOT EXISTS bronze.responses (
    sha256       VARCHAR NOT NULL,
    indicator_id VARCHAR NOT NULL,
    response     VARCHAR,   -- 'fully' | 'partly' | 'not' | 'na' | null (blank, missing, unrecognised)
    raw_response VARCHAR,
    evidence     VARCHAR,
    location     VARCHAR    -- 'Self-review!C5' of the response cell; null when the row is missing
);

-- one row per required policy per loaded return (missing rows: all null)
CREATE TABLE IF NOT EXISTS bronze.policies (
    sha256                VARCHAR NOT NULL,
    policy                VARCHAR NOT NULL,
    last_reviewed         DATE,     -- null when never / blank / unreadable / after completed_on
    raw_last_reviewed     VARCHAR,
    approved_by_governors BOOLEAN,
    pupils_consulted      BOOLEAN,
    families_consulted    BOOLEAN,
    location              VARCHAR   -- 'Policies!B4' of the last-reviewed cell
);

-- one row per check in seeds/fm_checks.csv per loaded version 2 return (missing rows: all null)
CREATE TABLE IF NOT EXISTS bronze.fm_checks (
    sha256        VARCHAR NOT NULL,
    check_key     VARCHAR NOT NULL,
    answer        VARCHAR,  -- text, 'yes'/'no', 'pass'/'fail'; null when unanswered or unreadable
    raw_answer    VARCHAR,
    checked_on    DATE,     -- null when blank / unreadable / after completed_on
    raw_date      VARCHAR,
    notes         VARCHAR,
    location      VARCHAR,  -- 'Filtering and monitoring!B4' of the answer cell
    date_location VARCHAR
);

-- one row per staff group per loaded return that has the row
CREATE TABLE IF NOT EXISTS bronze.training (
    sha256      VARCHAR NOT NULL,
    staff_group VARCHAR NOT NULL,
    headcount   INTEGER,
    trained     INTEGER,
    location    VARCHAR
);

-- one row per incident category per loaded return that has the row
CREATE TABLE IF NOT EXISTS bronze.incidents (
    sha256   VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    count    INTEGER,
    location VARCHAR
);

-- one row per establishment per register load (history kept across loads)
CREATE TABLE IF NOT EXISTS bronze.register (
    urn               INTEGER NOT NULL,
    name              VARCHAR NOT NULL,
    phase             VARCHAR,   -- PhaseOfEducation (name)
    establishment_type VARCHAR,  -- TypeOfEstablishment (name)
    type_group        VARCHAR,   -- EstablishmentTypeGroup (name)
    status            VARCHAR,   -- EstablishmentStatus (name)
    la_name           VARCHAR,   -- LA (name)
    district          VARCHAR,   -- DistrictAdministrative (name)
    district_code     VARCHAR,   -- DistrictAdministrative (code)
    postcode          VARCHAR,
    easting           DOUBLE,    -- null when 0 or blank
    northing          DOUBLE,
    lat               DOUBLE,    -- WGS84, from easting/northing (OSGB36) with pyproj
    lon               DOUBLE,
    pupils            INTEGER,   -- NumberOfPupils
    has_type_column   BOOLEAN NOT NULL, -- whether the extract carried a type column
    source_file       VARCHAR NOT NULL,
    source_sha256     VARCHAR NOT NULL,
    loaded_at         TIMESTAMP NOT NULL,
    -- contact and context columns of a full GIAS extract (null when the extract lacks them)
    head_title        VARCHAR,   -- HeadTitle (name)
    head_first_name   VARCHAR,   -- HeadFirstName
    head_last_name    VARCHAR,   -- HeadLastName
    telephone         VARCHAR,   -- TelephoneNum
    website           VARCHAR,   -- SchoolWebsite
    trust             VARCHAR,   -- Trusts (name)
    ofsted_rating     VARCHAR,   -- OfstedRating (name)
    ofsted_last_inspection VARCHAR, -- OfstedLastInsp, as written (dd-mm-yyyy in GIAS)
    -- the postal address of a full GIAS extract (Postcode is above)
    street            VARCHAR,   -- Street
    locality          VARCHAR,   -- Locality
    address3          VARCHAR,   -- Address3
    town              VARCHAR,   -- Town
    county            VARCHAR    -- County (name)
);
-- databases made before the contact columns existed
ALTER TABLE bronze.register ADD COLUMN IF NOT EXISTS head_title VARCHAR;
ALTER TABLE bronze.register ADD COLUMN IF NOT EXISTS head_first_name VARCHAR;
ALTER TABLE bronze.register ADD COLUMN IF NOT EXISTS head_last_name VARCHAR;
ALTER TABLE bronze.register ADD COLUMN IF NOT EXISTS telephone VARCHAR;
ALTER TABLE bronze.register ADD COLUMN IF NOT EXISTS website VARCHAR;
ALTER TABLE bronze.register ADD COLUMN IF NOT EXISTS trust VARCHAR;
ALTER TABLE bronze.register ADD COLUMN IF NOT EXISTS ofsted_rating VARCHAR;
ALTER TABLE bronze.register ADD COLUMN IF NOT EXISTS ofsted_last_inspection VARCHAR;
ALTER TABLE bronze.register ADD COLUMN IF NOT EXISTS street VARCHAR;
ALTER TABLE bronze.register ADD COLUMN IF NOT EXISTS locality VARCHAR;
ALTER TABLE bronze.register ADD COLUMN IF NOT EXISTS address3 VARCHAR;
ALTER TABLE bronze.register ADD COLUMN IF NOT EXISTS town VARCHAR;
ALTER TABLE bronze.register ADD COLUMN IF NOT EXISTS county VARCHAR;

-- one row per contact per council contact list load (python -m ingest contacts); the
-- values already cleaned by the loader (role as its seed code, e-mail lower-cased)
CREATE TABLE IF NOT EXISTS bronze.contacts (
    urn           INTEGER NOT NULL,
    role          VARCHAR,   -- seeds/contact_roles.csv code ('other' for a role it lacks)
    name          VARCHAR,
    email         VARCHAR,
    telephone     VARCHAR,
    source_row    INTEGER NOT NULL,  -- the CSV line, for messages
    source_file   VARCHAR NOT NULL,
    source_sha256 VARCHAR NOT NULL,
    loaded_at     TIMESTAMP NOT NULL
);

-- one row per district per boundaries load
CREATE TABLE IF NOT EXISTS bronze.boundaries (
    district_code VARCHAR NOT NULL,
    district_name VARCHAR NOT NULL,
    geometry      VARCHAR NOT NULL,  -- GeoJSON geometry object as text (WGS84)
    source_file   VARCHAR NOT NULL,
    source_sha256 VARCHAR NOT NULL,
    loaded_at     TIMESTAMP NOT NULL
);
