package dev.medallion.infrastructure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every relative link of the repository's Markdown files names a file that exists and, into Markdown, a section it has. */
class MarkdownLinksContractTest {
    @Test
    void everyRelativeLinkOfTheDocsResolves() {
        Path root = Repository.root();
        List<Path> files = MarkdownLinks.markdownFiles(root);
        assertTrue(files.contains(root.resolve("terraform/README.md")) && files.contains(root.resolve("docs/infrastructure.md"))
                && files.contains(root.resolve("docs/deploy-rehearsal.md")), "expected the repository's docs, got " + files);
        assertEquals(List.of(), MarkdownLinks.brokenLinks(root, files));
    }

    @Test
    void ruleFindsALinkToAMissingFileOrSection(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/reference.md"), """
                # Reference

                ## How it fits together

                - **Gold trigger.** <a name="gold-trigger"></a>The silver bucket notifies the queue.

                ### `LocalStackApplyIT`: the core on LocalStack

                ## Checks
                ## Checks
                """);
        Files.writeString(root.resolve("README.md"), """
                # Front door

                ## Deploy

                [fits](docs/reference.md#how-it-fits-together), [trigger](docs/reference.md#gold-trigger),
                [the IT](docs/reference.md#localstackapplyit-the-core-on-localstack), [second](docs/reference.md#checks-1),
                [deploy](#deploy), [web](https://example.com/missing#nowhere), `[in code](missing.md)`,
                [moved](#how-it-fits-together), [gone](docs/cost-model.md), [wrapped over
                two lines](docs/reference.md#budgets), [a file](docs/reference.md), [third](docs/reference.md#checks-2)

                ```bash
                echo "[in a fence](nowhere.md)"
                ```
                """);
        List<String> broken = MarkdownLinks.brokenLinks(root, MarkdownLinks.markdownFiles(root));
        assertEquals(List.of(
                "README.md:8: [#how-it-fits-together] names #how-it-fits-together, which is neither a heading nor an <a name> of README.md:"
                        + " link to the section's current heading (or to the file it moved to)",
                "README.md:8: [docs/cost-model.md] names docs/cost-model.md, which does not exist: correct the path, or link to where the text now is",
                "README.md:8: [docs/reference.md#budgets] names #budgets, which is neither a heading nor an <a name> of docs/reference.md:"
                        + " link to the section's current heading (or to the file it moved to)",
                "README.md:9: [docs/reference.md#checks-2] names #checks-2, which is neither a heading nor an <a name> of docs/reference.md:"
                        + " link to the section's current heading (or to the file it moved to)"), broken);
    }

    @Test
    void everyContentsListListsItsDocumentsSectionsInOrder() throws IOException {
        Path root = Repository.root();
        for (String longest : List.of("docs/silver-converter.md", "gold-ctas/README.md", "bronze-ingest/README.md")) {
            assertTrue(Files.readAllLines(root.resolve(longest)).contains(MarkdownLinks.CONTENTS), longest + " has no contents list");
        }
        assertEquals(List.of(), MarkdownLinks.markdownFiles(root).stream().flatMap(file -> MarkdownLinks.contentsProblems(root, file).stream()).toList());
    }

    @Test
    void ruleFindsAContentsListMissingASectionListingAGoneOneOrOutOfOrder(@TempDir Path root) throws IOException {
        Path file = root.resolve("doc.md");
        Files.writeString(file, """
                # Reference

                **Contents**

                - [Keys](#keys)
                  - [Old name](#old-name)
                - [Reading](#reading)

                ## Keys
                ### New name
                ## Reading
                #### Too deep to list
                ```
                ## not a heading
                ```
                """);
        assertEquals(List.of("doc.md:3: its contents list lacks [new-name] and lists [old-name], which are no ## or ### heading after it:"
                + " list every ## and ### heading, in order ([keys, new-name, reading])"), MarkdownLinks.contentsProblems(root, file));

        Files.writeString(file, """
                **Contents**

                - [Reading](#reading)
                - [Keys](#keys)

                ## Keys
                ## Reading
                """);
        assertEquals(List.of("doc.md:1: its contents list lists its sections out of the document's order: list every ## and ### heading,"
                + " in order ([keys, reading])"), MarkdownLinks.contentsProblems(root, file));

        Files.writeString(file, """
                **Contents**

                - [Keys](#keys)
                - [Reading](#reading)

                ## Keys
                ## Reading
                """);
        assertEquals(List.of(), MarkdownLinks.contentsProblems(root, file));
    }

    @Test
    void anchorsAreTheHeadingsAsGitHubDerivesThemAndTheNamedOnes(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("doc.md");
        Files.writeString(file, """
                # Tests
                ## The deployment rehearsal: what it proves, and what only AWS proves
                ### The whole pipeline: `DeployRehearsalIT`
                ## Budgets that stop the spend
                ## Configuration of the Lambda function ##
                - **Concurrency.** <a name="concurrency"></a>S3 invokes the converter.
                ```
                # not a heading
                ```
                """);
        assertEquals(Set.of("tests", "the-deployment-rehearsal-what-it-proves-and-what-only-aws-proves",
                "the-whole-pipeline-deployrehearsalit", "budgets-that-stop-the-spend", "configuration-of-the-lambda-function",
                "concurrency"), MarkdownLinks.anchors(file));
    }
}
