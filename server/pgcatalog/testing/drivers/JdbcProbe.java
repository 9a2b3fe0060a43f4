import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * The PostgreSQL JDBC driver (Debian's libpostgresql-jdbc-java) against a server, calling
 * DatabaseMetaData the way DBeaver and Metabase browse a database (getSchemas, getTables,
 * getColumns) and running a typed prepared query. Prints one line per fact for the test.
 *
 * usage: java -cp /usr/share/java/postgresql.jar JdbcProbe.java <port>
 */
public class JdbcProbe {
  public static void main(String[] args) throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + args[0] + "/deltasql?user=probe&sslmode=disable";
    try (Connection c = DriverManager.getConnection(url)) {
      DatabaseMetaData md = c.getMetaData();
      System.out.println("product " + md.getDatabaseProductName() + " " + md.getDatabaseMajorVersion());
      try (ResultSet rs = md.getSchemas()) {
        while (rs.next()) System.out.println("schema " + rs.getString("TABLE_SCHEM"));
      }
      try (ResultSet rs = md.getTables(null, "public", "%", new String[] {"TABLE", "VIEW"})) {
        while (rs.next()) System.out.println("table " + rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME") + " " + rs.getString("TABLE_TYPE"));
      }
      try (ResultSet rs = md.getColumns(null, "public", "prices", "%")) {
        while (rs.next()) {
          System.out.println("column " + rs.getString("COLUMN_NAME") + " " + rs.getString("TYPE_NAME") + " " + rs.getInt("DATA_TYPE") + " " + rs.getInt("ORDINAL_POSITION") + " " + rs.getString("IS_NULLABLE"));
        }
      }
      // Keys and indexes, as Metabase's sync and DBeaver's table editor ask (Delta tables have none).
      int keys = 0;
      try (ResultSet rs = md.getPrimaryKeys(null, "public", "prices")) { while (rs.next()) keys++; }
      try (ResultSet rs = md.getIndexInfo(null, "public", "prices", false, true)) { while (rs.next()) keys++; }
      try (ResultSet rs = md.getImportedKeys(null, "public", "prices")) { while (rs.next()) keys++; }
      System.out.println("keys " + keys);
      try (PreparedStatement ps = c.prepareStatement("SELECT ticker, date, close, volume FROM prices WHERE ticker = ? ORDER BY date LIMIT 1")) {
        ps.setString(1, "MSFT");
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            System.out.println("row " + rs.getString(1) + " " + rs.getDate(2) + " " + rs.getDouble(3) + " " + rs.getLong(4)
                + " " + rs.getObject(1).getClass().getSimpleName() + " " + rs.getObject(2).getClass().getSimpleName()
                + " " + rs.getObject(3).getClass().getSimpleName() + " " + rs.getObject(4).getClass().getSimpleName());
          }
        }
      }
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM scores WHERE passed")) {
        rs.next();
        System.out.println("count " + rs.getLong(1));
      }
    }
  }
}
