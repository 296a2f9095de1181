package dev.stfpm.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/**
 * Where the Spark commands run: the options every {@code stfpm-spark} command shares (a picocli
 * mixin). Without {@code --master}, the master spark-submit chose ({@code spark.master}) is used,
 * else an embedded {@code local[*]} one, so the commands run on a laptop with no Spark installation.
 */
public final class SparkOptions {

    /** The master of a run that names none and is not started by spark-submit. */
    static final String EMBEDDED = "local[*]";

    @Option(names = "--master", paramLabel = "URL", description = "Spark master: local[N], spark://host:port, yarn, "
            + "k8s://... (default: spark-submit's, else " + EMBEDDED + ", an embedded one)")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "a Spark setting, e.g. spark.task.cpus=2 "
            + "(repeatable; as spark-submit's --conf)")
    Map<String, String> conf = new LinkedHashMap<>();

    /** The session {@link #session} started, which {@link #release} stops. */
    private SparkSession started;

    /**
     * Starts the Spark session of a command, or joins the one this JVM already runs (an application
     * that embeds the command, a test), whose master and settings then stay as they are.
     *
     * @param appName the application's name, as the Spark UI shows it
     * @return the session, to give back with {@link #release} when done
     */
    SparkSession session(String appName) {
        if (SparkSession.getDefaultSession().isDefined()) {
            return SparkSession.getDefaultSession().get();
        }
        SparkSession.Builder builder = SparkSession.builder().appName(appName);
        if (master != null) {
            builder.master(master);
        } else if (System.getProperty("spark.master") == null) {
            builder.master(EMBEDDED);
        }
        conf.forEach(builder::config);
        SparkSession started = builder.getOrCreate();
        this.started = started;
        return started;
    }

    /**
     * Stops a session {@link #session} started; leaves one it joined running.
     *
     * @param session the session
     */
    void release(SparkSession session) {
        if (session == started) {
            session.stop();
            started = null;
        }
    }
}
