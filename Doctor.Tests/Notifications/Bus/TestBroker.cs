namespace Doctor.Tests.Notifications.Bus;

/// <summary>
/// The RabbitMQ broker of the test run: <c>DOCTOR_TEST_RABBITMQ</c>, an AMQP URI that ./test.sh exports after starting
/// a private node (or start one yourself: <c>tools/rabbitmq-node.sh start DIR</c>). Unset is a failure, never a skip.
/// </summary>
public static class TestBroker
{
    public const string Variable = "DOCTOR_TEST_RABBITMQ";

    public static Uri Uri =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } uri
            ? new Uri(uri)
            : throw new InvalidOperationException(
                $"{Variable} is not set: run ./test.sh, or start a broker with `tools/rabbitmq-node.sh start DIR` and export {Variable}=<the URI it prints>");
}
