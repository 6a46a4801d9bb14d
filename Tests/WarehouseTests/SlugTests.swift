import Foundation
import SQLiteDB
import Testing
@testable import Warehouse

/// Ids made from names: ASCII, with accented letters transliterated rather than dropped.
@Suite struct SlugTests {
    @Test func accentedLettersLoseOnlyTheirAccents() {
        #expect(Slug.make("Université Grenoble Alpes") == "universite-grenoble-alpes")
        #expect(Slug.make("Universidad Nacional de San Martín") == "universidad-nacional-de-san-martin")
        #expect(Slug.make("Universität Zürich") == "universitat-zurich")
    }

    @Test func lettersThatDoNotDecomposeAreSpelledOut() {
        #expect(Slug.make("Politechnika Łódzka") == "politechnika-lodzka")
        #expect(Slug.make("Ørsted") == "orsted")
        #expect(Slug.make("Straße") == "strasse")
        #expect(Slug.make("Æther") == "aether")
        #expect(Slug.make("Œuvre") == "oeuvre")
        #expect(Slug.make("Đorđe") == "dorde")
        #expect(Slug.make("Þór") == "thor")
    }

    @Test func otherScriptsAreRomanized() {
        // ICU's Any-Latin, then diacritics stripped: 北京大学 is běi jīng dà xué in pinyin.
        #expect(Slug.make("北京大学") == "bei-jing-da-xue")
        #expect(Slug.make("서울대학교") == "seouldaehaggyo")
        #expect(Slug.make("ελληνικά") == "ellenika")
    }

    @Test func lettersThatCannotBeRomanizedGiveAStableHashedId() {
        // Runic has no Latin transliteration in ICU. The suffix is the first 8 hex digits of
        // the name's SHA-256 (`printf 'ᚠᚢᚦ Lab' | sha256sum`), so names differing only in
        // such letters keep different ids.
        #expect(Slug.make("ᚠᚢᚦ Lab") == "lab-141bc8e7")
        #expect(Slug.make("ᚠᚢᚠ Lab") == "lab-290e8724")
        #expect(Slug.make("ᚠᚢᚦ") == "x-0587f14e")
    }

    @Test func asciiNamesAreUnchanged() {
        #expect(Slug.make("Google DeepMind") == "google-deepmind")
        #expect(Slug.make("PointNet++") == "pointnet-plus-plus")
        #expect(Slug.make("deepseek-ai/DeepSeek-R1") == "deepseek-ai-deepseek-r1")
    }
}

/// Migration 0004 renames ids that the old slug function made from accented names.
@Suite struct LegacyOrganizationIDTests {
    @Test func idsMadeByTheOldFunctionAreRenamedAndKeptAsAliases() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try Database(path: folder.appending(path: "a.sqlite").path)
        // A database at schema version 2, as owl left it before ids were transliterated.
        let before = Migrator(migrations: Migrator.embedded.migrations.filter { $0.version <= 2 })
        try before.migrate(db)
        try db.execute("""
            INSERT INTO organizations (id, name, country, kind) VALUES
                ('universit-grenoble-alpes', 'Université Grenoble Alpes', 'FR', 'academic'),
                ('universidad-nacional-de-san-mart-n', 'Universidad Nacional de San Martín', 'AR', 'academic'),
                ('zurich-uni', 'Universität Zürich', 'CH', 'academic'),
                ('meta', 'Meta', 'US', 'company');
            INSERT INTO releases (id, organization, name, released_on) VALUES ('r1', 'universit-grenoble-alpes', 'R1', '2024-01-01');
            INSERT INTO models (id, organization, name, release, released_on) VALUES
                ('universit-grenoble-alpes/m1', 'universit-grenoble-alpes', 'M1', 'r1', '2024-01-01');
            """)
        try Migrator.embedded.migrate(db)
        // An id chosen by hand (zurich-uni) is not what the old function made from the name: kept.
        #expect(try db.rows("SELECT id, name FROM organizations ORDER BY id").map { $0.map(\.textValue) } == [
            ["meta", "Meta"], ["universidad-nacional-de-san-martin", "Universidad Nacional de San Martín"],
            ["universite-grenoble-alpes", "Université Grenoble Alpes"], ["zurich-uni", "Universität Zürich"],
        ])
        #expect(try db.rows("SELECT alias, organization FROM organization_aliases ORDER BY alias").map { $0.map(\.textValue) } == [
            ["universidad-nacional-de-san-mart-n", "universidad-nacional-de-san-martin"],
            ["universit-grenoble-alpes", "universite-grenoble-alpes"],
        ])
        // References follow; the model keeps its id (observations refer to its key).
        #expect(try db.scalar("SELECT organization FROM releases WHERE id = 'r1'")?.textValue == "universite-grenoble-alpes")
        #expect(try db.rows("SELECT id, organization FROM models").map { $0.map(\.textValue) }
            == [["universit-grenoble-alpes/m1", "universite-grenoble-alpes"]])
        #expect(try db.rows("PRAGMA foreign_key_check").isEmpty)
    }
}
