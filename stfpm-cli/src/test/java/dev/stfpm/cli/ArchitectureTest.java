package dev.stfpm.cli;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The project's package structure, checked on the classes of every module (stfpm-cli's test class
 * path holds them all; test classes are left out): no package cycles, and the modules layered as
 * core ← eval, nn ← onnxruntime, serve ← cli, with the Deeplearning4j workarounds of
 * {@code dev.stfpm.nn.dl4j} below the network code that uses them, and the service seeing models only as
 * {@code AnomalyDetector}s.
 */
@AnalyzeClasses(packages = "dev.stfpm", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** Each package is a slice ({@code dev.stfpm.nn} and {@code dev.stfpm.nn.onnx} are two); none may reach itself. */
    @ArchTest
    static final ArchRule noCyclesBetweenPackages = slices().matching("dev.stfpm.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule coreDependsOnNoOtherModule = noClasses().that().resideInAPackage("dev.stfpm.core..")
            .should().dependOnClassesThat(resideInAPackage("dev.stfpm..")
                    .and(resideOutsideOfPackage("dev.stfpm.core..")));

    @ArchTest
    static final ArchRule evalDependsOnNeitherNetworksNorCli = noClasses().that().resideInAPackage("dev.stfpm.eval..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.stfpm.nn..", "dev.stfpm.cli..");

    @ArchTest
    static final ArchRule nnDependsOnNeitherEvaluationNorCli = noClasses().that().resideInAPackage("dev.stfpm.nn..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.stfpm.eval..", "dev.stfpm.cli..",
                    "dev.stfpm.onnxruntime..");

    /** The ONNX Runtime engine runs what stfpm-nn exports, through its public API, without the DL4J workarounds. */
    @ArchTest
    static final ArchRule onnxRuntimeEngineUsesTheNetworksPublicApiOnly = noClasses()
            .that().resideInAPackage("dev.stfpm.onnxruntime..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.stfpm.nn.dl4j..", "dev.stfpm.eval..", "dev.stfpm.cli..");

    @ArchTest
    static final ArchRule nnDependsNotOnTheService = noClasses().that().resideInAPackage("dev.stfpm.nn..")
            .should().dependOnClassesThat().resideInAPackage("dev.stfpm.serve..");

    /** The service knows models only as {@code AnomalyDetector}s, so any engine can be served; the CLI starts it. */
    @ArchTest
    static final ArchRule serviceDependsOnNeitherCliNorDeeplearning4j = noClasses().that().resideInAPackage("dev.stfpm.serve..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.stfpm.cli..", "dev.stfpm.nn.dl4j..",
                    "org.deeplearning4j..", "org.nd4j..")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.stfpm.nn.StfpmModel");

    /** The workarounds serve the network code and know nothing of it (nor of anything else of the project). */
    @ArchTest
    static final ArchRule dl4jWorkaroundsDependOnNoOtherPackage = noClasses()
            .that().resideInAPackage("dev.stfpm.nn.dl4j..")
            .should().dependOnClassesThat(resideInAPackage("dev.stfpm..")
                    .and(resideOutsideOfPackage("dev.stfpm.nn.dl4j..")));
}
